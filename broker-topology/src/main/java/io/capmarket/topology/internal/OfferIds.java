package io.capmarket.topology.internal;

import io.capmarket.topology.core.OfferRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;

/**
 * The offerIds each producer holds in one intake task's offer index, counted for the bound
 * ({@link OfferRules#MAX_OFFER_IDS_PER_PRODUCER}), and its withdrawn ones, longest-withdrawn first:
 * at the bound, a new offerId takes the place of the producer's longest-withdrawn one
 * ({@link #take}). Read from the index when the task starts ({@link #of}), then kept in step with
 * what the intake writes there. An entry written before producers were recorded names none and is
 * not counted.
 */
final class OfferIds {

    private final Map<String, Integer> held = new HashMap<>();
    /** Each producer's withdrawn offerIds in the order they were withdrawn (those withdrawn before times were recorded first). */
    private final Map<String, LinkedHashSet<String>> withdrawn = new HashMap<>();

    private OfferIds() {
    }

    /** The book of an offer index, read through {@code index} (offerId to the stored {@link IndexEntry}). */
    static OfferIds of(Iterator<KeyValue<String, String>> index) {
        record Withdrawal(String offerId, String owner, long at) {
        }
        OfferIds ids = new OfferIds();
        List<Withdrawal> withdrawals = new ArrayList<>();
        while (index.hasNext()) {
            KeyValue<String, String> stored = index.next();
            IndexEntry entry = IndexEntry.decode(stored.value);
            if (entry.owner() != null) {
                ids.held.merge(entry.owner(), 1, Integer::sum);
                if (entry.isWithdrawn()) {
                    withdrawals.add(new Withdrawal(stored.key, entry.owner(), entry.withdrawnAt()));
                }
            }
        }
        withdrawals.sort(Comparator.comparingLong(Withdrawal::at).thenComparing(Withdrawal::offerId));
        withdrawals.forEach(withdrawal -> ids.withdrew(withdrawal.owner(), withdrawal.offerId()));
        return ids;
    }

    /** How many offerIds {@code producer} holds here, withdrawn ones included. */
    int held(String producer) {
        return held.getOrDefault(producer, 0);
    }

    /** How many of them are withdrawn. */
    int withdrawn(String producer) {
        LinkedHashSet<String> ids = withdrawn.get(producer);
        return ids == null ? 0 : ids.size();
    }

    /**
     * Counts a new offerId of {@code producer}. Below the bound it is one more; at it, it takes the
     * place of the producer's longest-withdrawn offerId, which is returned for the index to forget
     * (the producer then holds as many as before). Check {@link OfferRules#offerIdRefusal} first.
     */
    Optional<String> take(String producer) {
        int count = held(producer);
        if (count < OfferRules.MAX_OFFER_IDS_PER_PRODUCER || withdrawn(producer) == 0) {
            held.put(producer, count + 1);
            return Optional.empty();
        }
        LinkedHashSet<String> ids = withdrawn.get(producer);
        String released = ids.iterator().next();
        ids.remove(released);
        if (ids.isEmpty()) {
            withdrawn.remove(producer);
        }
        return Optional.of(released);
    }

    /** {@code producer} withdrew its {@code offerId}: the latest withdrawn of its offerIds. */
    void withdrew(String producer, String offerId) {
        withdrawn.computeIfAbsent(producer, p -> new LinkedHashSet<>()).add(offerId);
    }

    /** {@code producer} published its withdrawn {@code offerId} again. */
    void publishedAgain(String producer, String offerId) {
        LinkedHashSet<String> ids = withdrawn.get(producer);
        if (ids != null && ids.remove(offerId) && ids.isEmpty()) {
            withdrawn.remove(producer);
        }
    }
}
