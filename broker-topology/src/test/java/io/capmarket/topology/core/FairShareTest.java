package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.Priority;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairShareTest {

    private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");

    private static WaitTicket ticket(String id, Priority priority, int second, String team) {
        return new WaitTicket("pg", priority, T.plusSeconds(second), id, team);
    }

    @Test
    void withinAPriorityTeamsTakeTurnsOldestFirstAndPrioritiesStayInOrder() {
        List<WaitTicket> batch = List.of(
                ticket("h1", Priority.HIGH, 5, "b"),
                ticket("a1", Priority.NORMAL, 1, "a"), ticket("a2", Priority.NORMAL, 2, "a"), ticket("a3", Priority.NORMAL, 3, "a"),
                ticket("c1", Priority.NORMAL, 4, "c"), ticket("b1", Priority.NORMAL, 5, "b"), ticket("c2", Priority.NORMAL, 6, "c"),
                ticket("l1", Priority.LOW, 0, "a"));

        assertThat(FairShare.order(batch, null)).as("from the oldest's team, then round the teams by name")
                .extracting(WaitTicket::requestId).containsExactly("h1", "a1", "b1", "c1", "a2", "c2", "a3", "l1");
        assertThat(FairShare.order(batch, "a")).as("after a's turn, b's")
                .extracting(WaitTicket::requestId).containsExactly("h1", "b1", "c1", "a1", "c2", "a2", "a3", "l1");
    }

    @Test
    void oneSlotAtATimeStillGoesRoundTheTeams() {
        List<WaitTicket> waiting = new java.util.ArrayList<>(List.of(
                ticket("a1", Priority.NORMAL, 1, "a"), ticket("a2", Priority.NORMAL, 2, "a"), ticket("a3", Priority.NORMAL, 3, "a"),
                ticket("b1", Priority.NORMAL, 4, "b"), ticket("c1", Priority.NORMAL, 5, "c")));
        List<String> served = new java.util.ArrayList<>();
        String last = null;
        while (!waiting.isEmpty()) {
            WaitTicket next = FairShare.order(waiting, last).get(0);
            served.add(next.requestId());
            last = next.team();
            waiting.remove(next);
        }

        assertThat(served).containsExactly("a1", "b1", "c1", "a2", "a3");
    }

    @Test
    void ticketsOfUnknownTeamsShareOneTurnAndNothingIsLostOrRepeated() {
        List<WaitTicket> batch = List.of(ticket("x1", Priority.NORMAL, 1, ""), ticket("x2", Priority.NORMAL, 2, ""),
                ticket("a1", Priority.NORMAL, 3, "a"));

        assertThat(FairShare.order(batch, null)).extracting(WaitTicket::requestId).containsExactly("x1", "a1", "x2");
        assertThat(FairShare.order(List.of(), "a")).isEmpty();
    }
}
