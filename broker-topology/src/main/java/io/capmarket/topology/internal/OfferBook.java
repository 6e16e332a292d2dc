package io.capmarket.topology.internal;

import io.capmarket.schemas.topology.OfferState;
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
 */
final class OfferBook {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, OfferState> store;
    private final Map<String, Map<String, OfferState>> byCapability = new HashMap<>();

    OfferBook(KeyValueStore<String, OfferState> store) {
        this.store = store;
    }

    /** The capability's offers by offerId, withdrawn ones included (they may still hold work). */
    Map<String, OfferState> offers(String capability) {
        return byCapability.computeIfAbsent(capability, this::load);
    }

    OfferState get(String capability, String offerId) {
        return offers(capability).get(offerId);
    }

    void put(String capability, String offerId, OfferState state) {
        store.put(StoreKeys.offer(capability, offerId), state);
        offers(capability).put(offerId, state);
    }

    void delete(String capability, String offerId) {
        store.delete(StoreKeys.offer(capability, offerId));
        offers(capability).remove(offerId);
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
        try (KeyValueIterator<String, OfferState> scan = store.prefixScan(StoreKeys.offerPrefix(capability), KEYS)) {
            while (scan.hasNext()) {
                KeyValue<String, OfferState> entry = scan.next();
                offers.put(entry.value.getOffer().getOfferId(), entry.value);
            }
        }
        return offers;
    }
}
