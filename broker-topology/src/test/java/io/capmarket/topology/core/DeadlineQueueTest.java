package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadlineQueueTest {

    private static final Instant T = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void aRequestHasOneDeadlineReplacedByTheNextAndTakenWhenDue() {
        DeadlineQueue queue = new DeadlineQueue();
        queue.put("r1", new Deadline(T.plusSeconds(30), Deadline.Kind.ACCEPT, 1, "r1"));
        queue.put("r2", new Deadline(T.plusSeconds(10), Deadline.Kind.WAIT, 0, "r2"));
        queue.put("r1", new Deadline(T.plusSeconds(60), Deadline.Kind.SLO, 1, "r1"));
        queue.put("r3", new Deadline(T.plusSeconds(5), Deadline.Kind.ACCEPT, 1, "r3"));
        queue.put("r3", null);

        assertThat(queue.all()).extracting(Deadline::requestId).containsExactly("r2", "r1");
        assertThat(queue.takeDue(T.plusSeconds(9))).isEmpty();
        assertThat(queue.takeDue(T.plusSeconds(60))).extracting(Deadline::kind).containsExactly(Deadline.Kind.WAIT, Deadline.Kind.SLO);
        assertThat(queue.size()).isZero();

        queue.put("r1", new Deadline(T.plusSeconds(90), Deadline.Kind.ACCEPT, 2, "r1"));
        assertThat(queue.all()).singleElement().extracting(Deadline::attempt).isEqualTo(2);
    }
}
