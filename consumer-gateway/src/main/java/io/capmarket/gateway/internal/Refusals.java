package io.capmarket.gateway.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The submits this instance refused because the catalog has no such capability or version, counted
 * per (capability, version or null, reason) since the instance started: demand no producer offers,
 * which the topology never sees. Bounded: at most {@value #MAX_KEYS} keys, the least recently
 * refused dropped past it. Thread-safe.
 */
public final class Refusals {

    /** The most (capability, version, reason) keys held. */
    public static final int MAX_KEYS = 1_000;
    /** What a capability name that is not a catalog name is counted under, so that no caller's text is kept as given. */
    public static final String INVALID_NAME = "(invalid name)";

    private static final Pattern CAPABILITY = Pattern.compile("[a-z0-9-]{1,100}");

    /** Why a submit was refused. */
    public enum Reason {
        /** The catalog has no capability of that name (404). */
        UNKNOWN_CAPABILITY("unknown capability"),
        /** The capability has no such major version (422). */
        UNKNOWN_VERSION("unknown version");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** As the API and the metric tag say it. */
        public String label() {
            return label;
        }
    }

    /**
     * The refusals of one key.
     *
     * @param version null when the capability itself is unknown
     */
    public record Count(String capability, Integer version, Reason reason, long count, Instant lastAt) {
    }

    private record Key(String capability, Integer version, Reason reason) {
    }

    private final Clock clock;
    private final Consumer<Reason> counted;
    private final Instant since;
    private final int maxKeys;
    /** In access order: the eldest is the least recently refused. */
    private final LinkedHashMap<Key, Count> counts;

    /** @param counted told of each refusal (the Prometheus counter) */
    public Refusals(Clock clock, Consumer<Reason> counted) {
        this(clock, counted, MAX_KEYS);
    }

    Refusals(Clock clock, Consumer<Reason> counted, int maxKeys) {
        this.clock = clock;
        this.counted = counted;
        this.since = clock.instant();
        this.maxKeys = maxKeys;
        this.counts = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Count> eldest) {
                return size() > Refusals.this.maxKeys;
            }
        };
    }

    /** Counts a refused submit of {@code capability} (as the caller named it) and {@code version} (null for an unknown capability). */
    public void refused(String capability, Integer version, Reason reason) {
        String name = capability != null && CAPABILITY.matcher(capability).matches() ? capability : INVALID_NAME;
        Key key = new Key(name, reason == Reason.UNKNOWN_CAPABILITY ? null : version, reason);
        Instant now = clock.instant();
        synchronized (counts) {
            Count before = counts.get(key);
            counts.put(key, new Count(key.capability(), key.version(), reason, before == null ? 1 : before.count() + 1, now));
        }
        counted.accept(reason);
    }

    /** Every count held, the most refused first. */
    public List<Count> counts() {
        List<Count> copy;
        synchronized (counts) {
            copy = new ArrayList<>(counts.values());
        }
        copy.sort(Comparator.comparingLong(Count::count).reversed().thenComparing(Count::capability)
                .thenComparing(c -> c.version() == null ? 0 : c.version()));
        return copy;
    }

    /** When this instance began counting. */
    public Instant since() {
        return since;
    }
}
