package io.capmarket.gateway.internal;

import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.NotFoundException;
import io.capmarket.gateway.RejectedRequestException;
import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The catalog, scorecard and admins' approval policies global tables: complete on every instance,
 * so never forwarded. A
 * capability looked up by name (every submit does) is decoded once and kept for
 * {@link #FRESH_FOR}, without a lock: a change of the catalog reaches submits within that time
 * after it reached this instance's store. A name the store does not hold is not remembered, so a
 * capability can be requested as soon as the catalog lists it.
 */
public final class Catalog {

    /** How long a decoded capability is used before it is read from the store again. */
    public static final Duration FRESH_FOR = Duration.ofSeconds(1);
    /** The most capabilities kept decoded; the cache starts over when full. */
    static final int MAX_DECODED = 4_096;

    private record Decoded(CapabilityView view, long readAtNanos) {
    }

    private final KafkaStreams streams;
    private final ConcurrentHashMap<String, Decoded> decoded = new ConcurrentHashMap<>();

    public Catalog(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * A version of a capability in the catalog.
     *
     * @throws NotFoundException when the catalog has no such capability
     * @throws RejectedRequestException when the capability has no such version, naming the versions it has
     */
    public CapabilityVersionView version(String name, int version) {
        CapabilityView capability = capability(name)
                .orElseThrow(() -> new NotFoundException("there is no capability " + name + " in the catalog"));
        List<Integer> versions = capability.getVersions().stream().map(CapabilityVersionView::getVersion).toList();
        return capability.getVersions().stream().filter(v -> v.getVersion() == version).findFirst()
                .orElseThrow(() -> new RejectedRequestException("capability " + name + " has no version " + version + "; it offers "
                        + versions, List.of(new FieldError("version", Integer.toString(version), "one of " + versions))));
    }

    public Optional<CapabilityView> capability(String name) {
        long now = System.nanoTime();
        Decoded cached = decoded.get(name);
        if (cached != null && now - cached.readAtNanos() < FRESH_FOR.toNanos()) {
            return Optional.of(cached.view());
        }
        CapabilityView view;
        try {
            view = this.<CapabilityView>store(GatewayTopology.CATALOG).get(name);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        if (view == null) {
            decoded.remove(name);
            return Optional.empty();
        }
        if (decoded.size() >= MAX_DECODED) {
            decoded.clear();
        }
        decoded.put(name, new Decoded(view, now));
        return Optional.of(view);
    }

    /** The admins' approval policy of a capability version, when they set one. */
    public Optional<ApprovalPolicy> approvalPolicy(String capability, int version) {
        try {
            return Optional.ofNullable(this.<ApprovalPolicySetting>store(GatewayTopology.APPROVAL_POLICIES)
                    .get(Topics.versionKey(capability, version))).map(ApprovalPolicySetting::getPolicy);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    /** Up to {@code limit + 1} entries after {@code after} (exclusive), by name, that match. */
    public List<CapabilityView> capabilities(String after, int limit, Predicate<CapabilityView> filter) {
        return page(GatewayTopology.CATALOG, after, limit, filter);
    }

    /** Up to {@code limit + 1} scorecards after {@code after} (exclusive), by capability. */
    public List<CapabilityScore> scores(String after, int limit, Predicate<CapabilityScore> filter) {
        return page(GatewayTopology.SCORECARD, after, limit, filter);
    }

    /** Whether the global stores answer (readiness). */
    public boolean queryable() {
        try {
            store(GatewayTopology.CATALOG).approximateNumEntries();
            store(GatewayTopology.SCORECARD).approximateNumEntries();
            store(GatewayTopology.APPROVAL_POLICIES).approximateNumEntries();
            return true;
        } catch (InvalidStateStoreException e) {
            return false;
        }
    }

    private <V> List<V> page(String storeName, String after, int limit, Predicate<V> filter) {
        List<V> found = new ArrayList<>();
        try (KeyValueIterator<String, V> it = after == null ? this.<V>store(storeName).all() : this.<V>store(storeName).range(after, null)) {
            while (it.hasNext() && found.size() <= limit) {
                var entry = it.next();
                if (!entry.key.equals(after) && entry.value != null && filter.test(entry.value)) {
                    found.add(entry.value);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return found;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    private static RetryLaterException unavailable(Exception cause) {
        return new RetryLaterException("the catalog is being restored; retry shortly", RequestStore.RETRY_AFTER, cause);
    }
}
