package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeadlineQueueTest {

    private static final Instant T = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void idsSharingAStringHashCodeAreSpreadOverTheTable() {
        // "Aa" and "BB" share a hashCode, so every string of 12 such pairs does: 4,096 of them
        List<String> colliding = new ArrayList<>();
        for (int bits = 0; bits < 1 << 12; bits++) {
            StringBuilder id = new StringBuilder("payments.");
            for (int pair = 0; pair < 12; pair++) {
                id.append((bits >> pair & 1) == 0 ? "Aa" : "BB");
            }
            colliding.add(id.toString());
        }
        assertThat(colliding.stream().map(String::hashCode).distinct()).as("one String hashCode").hasSize(1);
        DeadlineQueue queue = new DeadlineQueue();

        long distinct = colliding.stream().map(queue::tableHash).distinct().count();

        // 4,096 random 32-bit hashes meet in about 0.002 pairs
        assertThat(distinct).isGreaterThanOrEqualTo(colliding.size() - 2);
        for (int i = 0; i < colliding.size(); i++) {
            queue.put(colliding.get(i), new Deadline(T.plusSeconds(i), Deadline.Kind.WAIT, 1, colliding.get(i)));
        }
        assertThat(queue.takeDue(T.plusSeconds(colliding.size()))).extracting(Deadline::requestId).as("each once, in order")
                .containsExactlyElementsOf(colliding);
    }

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

    /** Against a plain map of each request's deadline, through many replacements, removals and takes. */
    @Test
    void takesWhatAMapOfEachRequestsDeadlineWouldTakeThroughManyReplacements() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            ids.add("r" + i);
        }
        takesWhatAMapWouldTake(ids, 50_000, 2_000, 10_000);
    }

    /**
     * Ids in a UUID's canonical text are kept as two numbers and every other id as text: mixed, with
     * many deadlines due at one instant (ordered by id then), growing and shrinking past many sizes.
     */
    @Test
    void keepsTheOrderAndIdsOfCanonicalUuidsOtherTextsAndNearUuidsMixed() {
        Random random = new Random(29);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String uuid = new UUID(random.nextLong(), random.nextLong()).toString();
            ids.add(switch (i % 6) {
                case 0 -> uuid.toUpperCase(Locale.ROOT);
                case 1 -> "req-" + i;
                case 2 -> uuid.substring(0, 35) + "g";
                default -> uuid;
            });
        }
        ids.add("00000000-0000-0000-0000-000000000000");
        ids.add("ffffffff-ffff-ffff-ffff-ffffffffffff");
        ids.add("7fffffff-ffff-ffff-8000-000000000000");
        ids.add("80000000-0000-0000-7fff-ffffffffffff");
        takesWhatAMapWouldTake(ids, 120_000, 40, 2_000);
    }

    /**
     * Ids that share a {@link String#hashCode}, one UUID in lower and upper case (two requests),
     * instants at the ends of the range and before the epoch, and a deadline moved later.
     */
    @Test
    void keepsIdsThatShareAHashOrDifferInCaseApartAndOrdersInstantsOfTheWholeRange() {
        String uuid = "6f1c9a2e-5b3d-4e8f-9a0b-1c2d3e4f5a6b";
        String upper = uuid.toUpperCase(Locale.ROOT);
        String zeros = "00000000-0000-0000-0000-000000000000";
        String nearZeros = "00000000-0000-0000-0000-0000000000/O";
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat(zeros.hashCode()).isEqualTo(nearZeros.hashCode());
        Instant beforeEpoch = Instant.ofEpochSecond(-5, 1);
        Instant laterBeforeEpoch = Instant.ofEpochSecond(-5, 999_999_999);
        Map<String, Instant> dues = new LinkedHashMap<>();
        dues.put("Aa", Instant.MIN);
        dues.put("BB", laterBeforeEpoch);
        dues.put("AaAa", beforeEpoch);
        dues.put(zeros, beforeEpoch);
        dues.put("AaBB", Instant.EPOCH);
        dues.put(nearZeros, Instant.EPOCH);
        dues.put("BBAa", T);
        dues.put(uuid, T);
        dues.put(upper, T);
        dues.put("BBBB", Instant.MAX);
        DeadlineQueue queue = new DeadlineQueue();
        dues.forEach((id, due) -> queue.put(id, new Deadline(due, Deadline.Kind.ACCEPT, 1, id)));
        assertThat(queue.size()).isEqualTo(10);
        assertThat(queue.notBefore()).isEqualTo(Instant.MIN);
        // ties at one instant go by id as text: digits before letters, upper case before lower
        assertThat(queue.all()).extracting(Deadline::requestId)
                .containsExactly("Aa", zeros, "AaAa", "BB", nearZeros, "AaBB", upper, uuid, "BBAa", "BBBB");

        queue.put("Aa", new Deadline(T.plusSeconds(60), Deadline.Kind.SLO, 1, "Aa"));
        queue.put(zeros, null);
        assertThat(queue.notBefore()).as("the earliest moved later").isEqualTo(beforeEpoch);
        assertThat(queue.takeDue(beforeEpoch)).extracting(Deadline::requestId).containsExactly("AaAa");
        assertThat(queue.takeDue(Instant.MAX)).extracting(Deadline::requestId)
                .containsExactly("BB", nearZeros, "AaBB", upper, uuid, "BBAa", "Aa", "BBBB");
        assertThat(queue.size()).isZero();
        assertThat(queue.notBefore()).isNull();
    }

    @Test
    void aDeadlineIsPutOnlyUnderItsOwnRequest() {
        DeadlineQueue queue = new DeadlineQueue();
        assertThatThrownBy(() -> queue.put("r1", new Deadline(T, Deadline.Kind.ACCEPT, 1, "r2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("r2").hasMessageContaining("r1");
    }

    @Test
    void aCanonicalUuidPacksIntoTwoNumbersOrderedAsItsText() {
        Random random = new Random(31);
        String previous = null;
        for (int i = 0; i < 20_000; i++) {
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            assertThat(PackedUuid.isCanonical(id)).as(id).isTrue();
            long high = UUID.fromString(id).getMostSignificantBits();
            long low = UUID.fromString(id).getLeastSignificantBits();
            assertThat(PackedUuid.text(high, low)).isEqualTo(id);
            assertThat(UUID.fromString(id)).isEqualTo(new UUID(high, low));
            if (previous != null) {
                int packedOrder = Long.compareUnsigned(UUID.fromString(previous).getMostSignificantBits(), high);
                packedOrder = packedOrder != 0 ? packedOrder : Long.compareUnsigned(UUID.fromString(previous).getLeastSignificantBits(), low);
                assertThat(Integer.signum(packedOrder)).as(previous + " against " + id).isEqualTo(Integer.signum(previous.compareTo(id)));
            }
            previous = id;
        }
        assertThat(List.of("6F1C9A2E-5B3D-4E8F-9A0B-1C2D3E4F5A6B", "6f1c9a2e5b3d4e8f9a0b1c2d3e4f5a6b",
                "6f1c9a2e-5b3d-4e8f-9a0b-1c2d3e4f5a6", "6f1c9a2e-5b3d-4e8f-9a0b-1c2d3e4f5a6b0", "6f1c9a2e+5b3d-4e8f-9a0b-1c2d3e4f5a6b",
                "6f1c9a2e-5b3d-4e8f-9a0b-1c2d3e4f5a6z", "r1", ""))
                .allMatch(id -> !PackedUuid.isCanonical(id));
    }

    private static void takesWhatAMapWouldTake(List<String> ids, int steps, int maxAdvanceMs, int maxAheadMs) {
        DeadlineQueue queue = new DeadlineQueue();
        Map<String, Deadline> model = new HashMap<>();
        Random random = new Random(13);
        Instant now = T;
        int taken = 0;
        int largest = 0;
        for (int step = 0; step < steps; step++) {
            String requestId = ids.get(random.nextInt(ids.size()));
            int choice = random.nextInt(10);
            if (choice == 0) {
                queue.put(requestId, null);
                model.remove(requestId);
            } else if (choice == 1) {
                now = now.plusMillis(random.nextInt(maxAdvanceMs));
                Instant at = now;
                List<Deadline> expected = model.values().stream().filter(d -> !d.due().isAfter(at))
                        .sorted(Comparator.comparing(Deadline::due).thenComparing(Deadline::kind)
                                .thenComparing(Deadline::attempt).thenComparing(Deadline::requestId))
                        .toList();
                expected.forEach(d -> model.remove(d.requestId()));
                assertThat(queue.takeDue(now)).isEqualTo(expected);
                taken += expected.size();
            } else {
                Instant due = now.plusMillis(random.nextInt(maxAheadMs)).plusNanos(random.nextInt(4) == 0 ? random.nextInt(1_000_000) : 0);
                Deadline next = new Deadline(due, Deadline.Kind.values()[random.nextInt(3)], random.nextInt(3), requestId);
                queue.put(requestId, next);
                model.put(requestId, next);
            }
            assertThat(queue.size()).isEqualTo(model.size());
            largest = Math.max(largest, model.size());
        }
        assertThat(taken).as("deadlines came due along the way").isGreaterThan(1_000);
        assertThat(largest).as("the queue grew").isGreaterThan(Math.min(ids.size() / 2, 100));
        assertThat(queue.all()).containsExactlyInAnyOrderElementsOf(model.values());
        assertThat(queue.all()).isSortedAccordingTo(DeadlineQueue.EARLIEST_FIRST);
        Instant earliest = model.values().stream().map(Deadline::due).min(Comparator.naturalOrder()).orElse(null);
        assertThat(queue.notBefore()).isEqualTo(earliest);
    }
}
