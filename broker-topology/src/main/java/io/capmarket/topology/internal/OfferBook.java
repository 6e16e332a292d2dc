package io.capmarket.topology.internal;

import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.core.LoadTally;
import io.capmarket.topology.core.OfferRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The offers of the capabilities one task owns, read through an in-memory cache: matching reads
 * a capability's offers for every request, and this task is their only writer, so the cache
 * stays exact. It starts empty whenever the processor is (re)initialized.
 *
 * <p>An offer's requests in flight change with every assignment; they are not written to the
 * store (its {@code inFlight} is whatever it was at the last write), but counted from the kept
 * requests when the task starts ({@link LoadTally}) and kept here. A state is written only when
 * something else changed: the offer, its withdrawal, its record of outcomes and lead times.
 *
 * <p>A forgotten offer leaves its producer behind ({@link #formerOwner}), in a store of its own
 * written once per forgotten offer and read only when a change names an offer not held.
 */
final class OfferBook {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, OfferState> store;
    /** The producers of forgotten offers, by {@link StoreKeys#offer}. */
    private final KeyValueStore<String, String> formerOwners;
    private final LoadTally loads;
    private final StepJournal journal;
    private final Map<String, Map<String, OfferState>> byCapability = new HashMap<>();
    /** What the store holds, by store key, for the offers read or written since the start. */
    private final Map<String, OfferState> stored = new HashMap<>();

    /** Writes through {@code journal}, so that a failed step's writes can be undone. */
    OfferBook(KeyValueStore<String, OfferState> store, KeyValueStore<String, String> formerOwners, LoadTally loads,
            StepJournal journal) {
        this.store = store;
        this.formerOwners = formerOwners;
        this.loads = loads;
        this.journal = journal;
    }

    /** The capability's offers by offerId, withdrawn ones included (they may still hold work). */
    Map<String, OfferState> offers(String capability) {
        return byCapability.computeIfAbsent(capability, this::load);
    }

    OfferState get(String capability, String offerId) {
        return offers(capability).get(offerId);
    }

    void put(String capability, String offerId, OfferState state) {
        Map<String, OfferState> offers = offers(capability);
        String key = StoreKeys.offer(capability, offerId);
        OfferState held = stored.get(key);
        changing(offers, offerId, key, held);
        if (held == null || !OfferRecord.sameButLoad(held, state)) {
            // the capability's offers were read above, so what the store holds is known
            journal.write(store, key, state, held);
            stored.put(key, state);
        }
        offers.put(offerId, state);
    }

    /** Forgets an offer, keeping its producer ({@link #formerOwner}). */
    void delete(String capability, String offerId) {
        Map<String, OfferState> offers = offers(capability);
        String key = StoreKeys.offer(capability, offerId);
        OfferState forgotten = offers.get(offerId);
        if (forgotten == null) {
            return;
        }
        changing(offers, offerId, key, stored.get(key));
        journal.write(store, key, null, stored.get(key));
        stored.remove(key);
        offers.remove(offerId);
        journal.write(formerOwners, key, forgotten.getOffer().getProducerId());
    }

    /** The producer of a forgotten offer of the capability, or null when none of that offerId was forgotten. */
    String formerOwner(String capability, String offerId) {
        return formerOwners.get(StoreKeys.offer(capability, offerId));
    }

    /** Keeps how to put back the offer's state in memory, and what the store holds of it, should the step fail. */
    private void changing(Map<String, OfferState> offers, String offerId, String key, OfferState held) {
        OfferState before = offers.get(offerId);
        journal.changing(new Change(key), () -> {
            restore(offers, offerId, before);
            restore(stored, key, held);
        });
    }

    private static void restore(Map<String, OfferState> map, String key, OfferState value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    /** Names an offer's state in memory, for the step's journal. */
    private record Change(String key) {
    }

    /** Every capability that has an offer stored. */
    List<String> capabilities() {
        List<String> capabilities = new ArrayList<>();
        try (KeyValueIterator<String, OfferState> all = store.all()) {
            String last = null;
            while (all.hasNext()) {
                String capability = all.next().key.split("/", 2)[0];
                if (!capability.equals(last)) {
                    capabilities.add(capability);
                    last = capability;
                }
            }
        }
        return capabilities;
    }

    private Map<String, OfferState> load(String capability) {
        Map<String, OfferState> offers = new HashMap<>();
        Map<String, Integer> inFlight = loads.inFlight(capability);
        try (KeyValueIterator<String, OfferState> scan = store.prefixScan(StoreKeys.offerPrefix(capability), KEYS)) {
            while (scan.hasNext()) {
                KeyValue<String, OfferState> entry = scan.next();
                String offerId = entry.value.getOffer().getOfferId();
                stored.put(entry.key, entry.value);
                offers.put(offerId, OfferRecord.withInFlight(entry.value, inFlight.getOrDefault(offerId, 0)));
            }
        }
        return offers;
    }
}
