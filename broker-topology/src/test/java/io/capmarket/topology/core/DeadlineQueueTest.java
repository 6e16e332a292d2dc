package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

    /** Against a plain map of each request's deadline, through enough replacements to rebuild the heap many times. */
    @Test
    void takesWhatAMapOfEachRequestsDeadlineWouldTakeThroughManyReplacements() {
        DeadlineQueue queue = new DeadlineQueue();
        Map<String, Deadline> model = new HashMap<>();
        Random random = new Random(13);
        Instant now = T;
        int taken = 0;
        for (int step = 0; step < 50_000; step++) {
            String requestId = "r" + random.nextInt(500);
            int choice = random.nextInt(10);
            if (choice == 0) {
                queue.put(requestId, null);
                model.remove(requestId);
            } else if (choice == 1) {
                now = now.plusMillis(random.nextInt(2_000));
                Instant at = now;
                List<Deadline> expected = model.values().stream().filter(d -> !d.due().isAfter(at))
                        .sorted(Comparator.comparing(Deadline::due).thenComparing(Deadline::kind)
                                .thenComparing(Deadline::attempt).thenComparing(Deadline::requestId))
                        .toList();
                expected.forEach(d -> model.remove(d.requestId()));
                assertThat(queue.takeDue(now)).isEqualTo(expected);
                taken += expected.size();
            } else {
                Deadline next = new Deadline(now.plusMillis(random.nextInt(10_000)),
                        Deadline.Kind.values()[random.nextInt(3)], random.nextInt(3), requestId);
                queue.put(requestId, next);
                model.put(requestId, next);
            }
            assertThat(queue.size()).isEqualTo(model.size());
        }
        assertThat(taken).as("deadlines came due along the way").isGreaterThan(1_000);
        assertThat(queue.all()).containsExactlyInAnyOrderElementsOf(model.values());
    }
}
