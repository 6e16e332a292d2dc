package io.capmarket.topology.core;

import io.capmarket.schemas.Priority;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order in which a batch of a waitlist is served: priority first, and within one priority the
 * teams take turns, each with its oldest request first. The turns go round the teams in the order
 * of their names, beginning after the team served last, so that when capacity frees one slot at a
 * time the slots still go round: a team that queues a thousand requests cannot keep another team's
 * one request waiting behind all of them.
 */
final class FairShare {

    private FairShare() {
    }

    /**
     * @param batch tickets in waitlist order (priority, then age)
     * @param servedLast the team whose request was matched last from this waitlist, or null
     * @return the same tickets in serving order
     */
    static List<WaitTicket> order(List<WaitTicket> batch, String servedLast) {
        List<WaitTicket> served = new ArrayList<>(batch.size());
        int from = 0;
        while (from < batch.size()) {
            Priority priority = batch.get(from).priority();
            TreeMap<String, Deque<WaitTicket>> byTeam = new TreeMap<>();
            int to = from;
            while (to < batch.size() && batch.get(to).priority() == priority) {
                WaitTicket ticket = batch.get(to++);
                byTeam.computeIfAbsent(ticket.team(), t -> new ArrayDeque<>()).add(ticket);
            }
            String turn = servedLast == null ? batch.get(from).team() : next(byTeam, servedLast);
            while (!byTeam.isEmpty()) {
                Deque<WaitTicket> queue = byTeam.get(turn);
                served.add(queue.poll());
                if (queue.isEmpty()) {
                    byTeam.remove(turn);
                }
                if (!byTeam.isEmpty()) {
                    turn = next(byTeam, turn);
                }
            }
            from = to;
        }
        return served;
    }

    /** The team after {@code team} in name order, round the end to the first. */
    private static String next(TreeMap<String, ?> teams, String team) {
        Map.Entry<String, ?> after = teams.higherEntry(team);
        return after != null ? after.getKey() : teams.firstKey();
    }
}
