package io.capmarket.topology.core;

import io.capmarket.schemas.OfferFilter;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.config.ConfigParsers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hard rules an offer must pass to be a candidate for a request, and the words for why it did not.
 *
 * <p>{@link #check} runs for every offer of every request, so it allocates nothing and answers with an enum;
 * {@link #explain} builds the sentence only when no offer qualified.
 */
final class MatchFilter {

    /** Why an offer is not a candidate, in the order the rules are checked. */
    enum Rejection {
        /** Another capability: a caller bug, not worth naming in a reason. */
        OTHER_CAPABILITY(OfferFilter.OTHER),
        /** Another major version: summarised in a reason, not listed per offer. */
        OTHER_VERSION(OfferFilter.VERSION),
        NOT_ACTIVE(OfferFilter.STATUS),
        CONSTRAINT_NOT_MET(OfferFilter.CONSTRAINT),
        TTL_TOO_LONG(OfferFilter.TTL),
        ALREADY_TRIED(OfferFilter.TRIED),
        /** Its producer's approval policy applies to the request, which was not given that approval. */
        GATED(OfferFilter.GATED),
        PRODUCER_NOT_LIVE(OfferFilter.LIVENESS),
        FULL(OfferFilter.CAPACITY);

        private final OfferFilter filter;

        Rejection(OfferFilter filter) {
            this.filter = filter;
        }

        /** The rule's name in a decision record. */
        OfferFilter filter() {
            return filter;
        }
    }

    private MatchFilter() {
    }

    /**
     * @param oldestFresh the oldest heartbeat still counted as live ({@code now - livenessBound})
     * @return why the offer cannot serve the request, or null when it is a candidate
     */
    static Rejection check(MatchRequest request, Offer offer, OfferLoad load, Map<String, ProducerLiveness> liveness,
            Instant oldestFresh) {
        if (!request.capability().equals(offer.capability())) {
            return Rejection.OTHER_CAPABILITY;
        }
        if (request.version() != offer.version()) {
            return Rejection.OTHER_VERSION;
        }
        if (offer.status() != OfferStatus.ACTIVE) {
            return Rejection.NOT_ACTIVE;
        }
        if (!constraintsMet(request.constraints(), offer.attributes())) {
            return Rejection.CONSTRAINT_NOT_MET;
        }
        if (!ttlAllowed(request, offer)) {
            return Rejection.TTL_TOO_LONG;
        }
        if (request.excludedOffers().contains(offer.offerId())) {
            return Rejection.ALREADY_TRIED;
        }
        if (!request.gatedOffers().isEmpty() && request.gatedOffers().containsKey(offer.offerId())) {
            return Rejection.GATED;
        }
        if (!isLive(liveness.get(offer.producerId()), oldestFresh)) {
            return Rejection.PRODUCER_NOT_LIVE;
        }
        if (remaining(offer, load) <= 0) {
            return Rejection.FULL;
        }
        return null;
    }

    /**
     * Whether the offer could serve the request by what both are, whatever its load, its producer's
     * liveness or approvals: of the capability and major version, ACTIVE, every constraint met, the ttl allowed.
     */
    static boolean couldServe(MatchRequest request, Offer offer) {
        return request.capability().equals(offer.capability()) && request.version() == offer.version()
                && offer.status() == OfferStatus.ACTIVE && constraintsMet(request.constraints(), offer.attributes())
                && ttlAllowed(request, offer);
    }

    private static boolean ttlAllowed(MatchRequest request, Offer offer) {
        return request.ttlMs() == null || offer.maxTtlMs() == null || request.ttlMs() <= offer.maxTtlMs();
    }

    /** Capacity left; a long so that an over-assigned or odd load cannot overflow. */
    static long remaining(Offer offer, OfferLoad load) {
        return (long) offer.capacity() - load.inFlight();
    }

    /**
     * The oldest heartbeat that still counts as live at {@code now}, clamped rather than overflowing for an
     * absurdly long bound.
     */
    static Instant oldestFresh(Instant now, Duration livenessBound) {
        // seconds alone decide: the bound reaches past Instant.MIN exactly when its seconds (plus a nano carry) do
        if (livenessBound.getSeconds() >= now.getEpochSecond() - Instant.MIN.getEpochSecond()) {
            return Instant.MIN;
        }
        return now.minus(livenessBound);
    }

    /**
     * Whether the offer could take one more request now, whoever asks: ACTIVE, its producer live and
     * capacity left. The request-independent rules of {@link #check}, in the same terms.
     */
    static boolean available(Offer offer, OfferLoad load, ProducerLiveness producer, Instant oldestFresh) {
        return offer.status() == OfferStatus.ACTIVE && isLive(producer, oldestFresh) && remaining(offer, load) > 0;
    }

    /** Whether a producer counts as live: healthy, with a heartbeat no older than {@code oldestFresh}. */
    static boolean isLive(ProducerLiveness producer, Instant oldestFresh) {
        // a heartbeat from the future (clock skew) is fresh: it is not before oldestFresh
        return producer != null && producer.healthy() && producer.lastHeartbeat() != null
                && !producer.lastHeartbeat().isBefore(oldestFresh);
    }

    private static boolean constraintsMet(Map<String, List<String>> constraints, Map<String, String> attributes) {
        if (constraints.isEmpty()) {
            return true;
        }
        for (Map.Entry<String, List<String>> constraint : constraints.entrySet()) {
            if (!constraintMet(constraint.getValue(), attributes.get(constraint.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean constraintMet(List<String> allowed, String value) {
        // checked for null first: immutable lists throw on contains(null)
        return value != null && allowed != null && allowed.contains(value);
    }

    /** Why the offer was rejected, after its id: {@code full (3/3)}, {@code PAUSED}, … */
    static String explain(Rejection rejection, MatchRequest request, Offer offer, OfferLoad load,
            Map<String, ProducerLiveness> liveness, Instant now) {
        return switch (rejection) {
            case OTHER_CAPABILITY -> "offers " + offer.capability();
            case OTHER_VERSION -> "serves v" + offer.version();
            case NOT_ACTIVE -> String.valueOf(offer.status());
            case CONSTRAINT_NOT_MET -> explainConstraint(request.constraints(), offer.attributes());
            case TTL_TOO_LONG -> "keeps resources " + ConfigParsers.describe(Duration.ofMillis(offer.maxTtlMs()))
                    + " at most (ttl " + ConfigParsers.describe(Duration.ofMillis(request.ttlMs())) + ")";
            case ALREADY_TRIED -> "already tried";
            case GATED -> "needs approval by " + request.gatedOffers().get(offer.offerId()) + ", which the request was not given";
            case PRODUCER_NOT_LIVE -> "producer " + offer.producerId() + " not live ("
                    + explainLiveness(liveness.get(offer.producerId()), now) + ")";
            case FULL -> "full (" + load.inFlight() + "/" + offer.capacity() + ")";
        };
    }

    private static String explainConstraint(Map<String, List<String>> constraints, Map<String, String> attributes) {
        // the smallest failing key, so that the sentence does not depend on the map's iteration order
        String key = null;
        for (Map.Entry<String, List<String>> constraint : constraints.entrySet()) {
            String candidate = constraint.getKey();
            if (!constraintMet(constraint.getValue(), attributes.get(candidate))
                    && (key == null || candidate.compareTo(key) < 0)) {
                key = candidate;
            }
        }
        List<String> allowed = constraints.get(key);
        String value = attributes.get(key);
        String wanted = "constraint " + key + "=" + (allowed == null ? List.of() : allowed);
        if (allowed == null || allowed.isEmpty()) {
            return wanted + " cannot be met";
        }
        return wanted + " not met (" + (value == null ? "no " + key : value) + ")";
    }

    private static String explainLiveness(ProducerLiveness producer, Instant now) {
        if (producer == null || producer.lastHeartbeat() == null) {
            return "no heartbeat";
        }
        if (!producer.healthy()) {
            return "unhealthy";
        }
        return "last heartbeat " + describe(Duration.between(producer.lastHeartbeat(), now)) + " ago";
    }

    private static String describe(Duration duration) {
        long seconds = duration.getSeconds();
        int millis = duration.toMillisPart();
        if (millis == 0 || seconds >= 60) {
            return seconds + "s";
        }
        if (seconds == 0) {
            return millis + "ms";
        }
        return seconds + "." + String.format(Locale.ROOT, "%03d", millis) + "s";
    }
}
