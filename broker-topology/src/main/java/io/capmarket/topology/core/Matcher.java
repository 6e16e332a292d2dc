package io.capmarket.topology.core;

import io.capmarket.schemas.MatchScore;
import io.capmarket.schemas.OfferConsidered;
import io.capmarket.schemas.OfferFilter;
import io.capmarket.topology.core.MatchFilter.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Decides which offer serves a request: a pure, deterministic function of its arguments.
 *
 * <p><b>Filter.</b> An offer is a candidate only if it is of the requested capability and major version, ACTIVE,
 * meets every constraint (its attribute is one of the listed values; an empty list cannot be met), has not been
 * tried for this request, is not gated for it ({@link MatchRequest#gatedOffers}), its producer is live (a healthy
 * heartbeat no older than {@link MatchingPolicy#livenessBound()}; one from the future counts as fresh) and it has
 * capacity left.
 *
 * <p><b>Unanswered offers come back last.</b> An offer whose accept deadline passed without an answer is excluded
 * like any tried offer while another offer qualifies. When none does, it is a candidate again (if it meets every
 * other rule): the producer may never have seen the assignment (Kafka was unreachable, say), so the request is
 * tried there once more rather than left waiting for an offer that may never come. Each new match is an attempt,
 * so the attempt limit still ends the request. Offers that rejected or failed the request stay excluded.
 *
 * <p><b>Score.</b> The weighted sum, with the policy's weights, of four components each in [0, 1]: headroom
 * ({@code remaining / capacity}), speed ({@code min(1, leadTimeSloMs / observedP95Ms)}, 1 before any
 * observation), reliability ({@code 1 - recentFailureRate}) and preference (the share of the request's
 * preferences the offer's attributes equal, 1 when there are none), times the probation factor of
 * {@link ProbationPolicy} while the offer's producer is on probation ({@link OfferLoad#probation()}). Higher is better.
 *
 * <p><b>Ties.</b> Every candidate within {@value #EPSILON} of the best score is tied with it; among those the
 * lowest {@code leadTimeSloMs} wins, then the most remaining capacity, then the smallest offerId. Measuring ties
 * against the best score (not pairwise) keeps the choice independent of the order of the offers.
 *
 * <p>Stateless apart from its policy, so one instance can be shared by every thread.
 */
public final class Matcher {

    /** Scores closer than this are equal. */
    static final double EPSILON = 1e-9;

    /** Offers named in a NoMatch reason at most; the rest are counted. */
    static final int MAX_LISTED = 10;

    private static final Comparator<RuledOut> BY_OFFER_ID = Comparator.comparing(RuledOut::offerId)
            .thenComparing(RuledOut::why);

    private final MatchingPolicy policy;

    public Matcher(MatchingPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * @param offers the capability's known offers (any status, any version)
     * @param loads  by offerId; a missing entry means OfferLoad.IDLE
     * @param liveness by producerId; a missing entry means the producer never sent a heartbeat (not live)
     * @param now the current instant (from the caller's Clock)
     */
    public Decision match(MatchRequest request, Collection<Offer> offers, Map<String, OfferLoad> loads,
            Map<String, ProducerLiveness> liveness, Instant now) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(offers, "offers");
        Objects.requireNonNull(loads, "loads");
        Objects.requireNonNull(liveness, "liveness");
        Objects.requireNonNull(now, "now");
        Instant oldestFresh = MatchFilter.oldestFresh(now, policy.livenessBound());
        Decision decision = pick(request, offers, loads, liveness, now, oldestFresh);
        if (decision instanceof Decision.NoMatch && !request.retriableOffers().isEmpty()) {
            Decision again = pick(request.withRetriableOffersAllowed(), offers, loads, liveness, now, oldestFresh);
            if (again instanceof Decision.Matched matched) {
                String note = "no other offer qualified, so offers that did not answer were tried again: "
                        + String.join(", ", new TreeSet<>(request.retriableOffers()));
                return new Decision.Matched(matched.offer(), matched.score(),
                        new Decision.Considered(matched.considered().offers(), note));
            }
        }
        return decision;
    }

    private Decision pick(MatchRequest request, Collection<Offer> offers, Map<String, OfferLoad> loads,
            Map<String, ProducerLiveness> liveness, Instant now, Instant oldestFresh) {

        // first pass: filter and score, remembering candidates so that ties can be judged against the best score;
        // each offer's outcome is kept for the decision record
        List<OfferConsidered> considered = new ArrayList<>(offers.size());
        Offer[] candidates = null;
        double[] scores = null;
        long[] remainings = null;
        int count = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (Offer offer : offers) {
            OfferLoad load = loadOf(loads, offer);
            Rejection rejection = MatchFilter.check(request, offer, load, liveness, oldestFresh);
            if (rejection != null) {
                if (rejection != Rejection.OTHER_CAPABILITY) {
                    considered.add(new OfferConsidered(offer.offerId(), offer.producerId(), offer.version(),
                            rejection.filter(), MatchFilter.explain(rejection, request, offer, load, liveness, now),
                            null));
                }
                continue;
            }
            if (candidates == null) {
                candidates = new Offer[offers.size()];
                scores = new double[offers.size()];
                remainings = new long[offers.size()];
            }
            long remaining = MatchFilter.remaining(offer, load);
            MatchScore score = score(request, offer, load, remaining);
            considered.add(new OfferConsidered(offer.offerId(), offer.producerId(), offer.version(), null,
                    load.probation() == null ? null : Probation.describe(offer.producerId(), load.probation()), score));
            candidates[count] = offer;
            scores[count] = score.getTotal();
            remainings[count] = remaining;
            count++;
            best = Math.max(best, score.getTotal());
        }
        Decision.Considered why = new Decision.Considered(considered, null);
        if (count == 0) {
            return new Decision.NoMatch(noMatchReason(request, considered), why);
        }

        // second pass: among the candidates tied with the best score, the tie-break decides
        int winner = -1;
        for (int i = 0; i < count; i++) {
            if (scores[i] >= best - EPSILON
                    && (winner < 0 || breaksTieBefore(candidates[i], remainings[i], candidates[winner],
                            remainings[winner]))) {
                winner = i;
            }
        }
        return new Decision.Matched(candidates[winner], scores[winner], why);
    }

    private MatchScore score(MatchRequest request, Offer offer, OfferLoad load, long remaining) {
        double headroom = headroom(remaining, offer.capacity());
        double speed = speed(offer.leadTimeSloMs(), load.observedP95Ms());
        double reliability = reliability(load.recentFailureRate());
        double preference = preference(request.preferences(), offer.attributes());
        double total = policy.headroomWeight() * headroom + policy.speedWeight() * speed
                + policy.reliabilityWeight() * reliability + policy.preferenceWeight() * preference;
        if (load.probation() == null) {
            return new MatchScore(headroom, speed, reliability, preference, total, 1.0);
        }
        double factor = load.probation().getScoreFactor();
        return new MatchScore(headroom, speed, reliability, preference, total * factor, factor);
    }

    private static double headroom(long remaining, int capacity) {
        return clamp((double) remaining / capacity);
    }

    private static double speed(long leadTimeSloMs, Long observedP95Ms) {
        if (observedP95Ms == null || observedP95Ms <= 0) {
            // no observation yet (or an instant one): it has not broken its promise
            return 1.0;
        }
        return clamp((double) leadTimeSloMs / observedP95Ms);
    }

    private static double reliability(double recentFailureRate) {
        // an unreadable failure rate earns no trust (and must not turn the score into NaN)
        return Double.isNaN(recentFailureRate) ? 0.0 : clamp(1.0 - recentFailureRate);
    }

    private static double preference(Map<String, String> preferences, Map<String, String> attributes) {
        if (preferences.isEmpty()) {
            return 1.0;
        }
        int met = 0;
        for (Map.Entry<String, String> preference : preferences.entrySet()) {
            if (preference.getValue().equals(attributes.get(preference.getKey()))) {
                met++;
            }
        }
        return (double) met / preferences.size();
    }

    private static double clamp(double value) {
        return Math.max(0.0, Math.min(1.0, value));
    }

    private static boolean breaksTieBefore(Offer offer, long remaining, Offer other, long otherRemaining) {
        if (offer.leadTimeSloMs() != other.leadTimeSloMs()) {
            return offer.leadTimeSloMs() < other.leadTimeSloMs();
        }
        if (remaining != otherRemaining) {
            return remaining > otherRemaining;
        }
        return offer.offerId().compareTo(other.offerId()) < 0;
    }

    private static OfferLoad loadOf(Map<String, OfferLoad> loads, Offer offer) {
        OfferLoad load = loads.get(offer.offerId());
        return load == null ? OfferLoad.IDLE : load;
    }

    /**
     * Why nothing qualified, from what was considered: built only then, so it may allocate; ordered by offerId, not
     * by the offers' order.
     */
    private static String noMatchReason(MatchRequest request, List<OfferConsidered> considered) {
        String wanted = request.capability() + " v" + request.version();
        List<RuledOut> ruledOut = new ArrayList<>();
        SortedSet<Integer> otherVersions = new TreeSet<>();
        for (OfferConsidered offer : considered) {
            if (offer.getFilter() == OfferFilter.VERSION) {
                otherVersions.add(offer.getVersion());
            } else {
                ruledOut.add(new RuledOut(offer.getOfferId(), offer.getDetail()));
            }
        }
        if (ruledOut.isEmpty()) {
            StringBuilder reason = new StringBuilder("no offer of ").append(wanted);
            if (!otherVersions.isEmpty()) {
                reason.append(" (offered: ");
                String separator = "";
                for (int version : otherVersions) {
                    reason.append(separator).append('v').append(version);
                    separator = ", ";
                }
                reason.append(')');
            }
            return reason.toString();
        }
        ruledOut.sort(BY_OFFER_ID);
        StringBuilder reason = new StringBuilder("no offer can serve ").append(wanted).append(": ");
        int listed = Math.min(ruledOut.size(), MAX_LISTED);
        for (int i = 0; i < listed; i++) {
            if (i > 0) {
                reason.append(", ");
            }
            reason.append(ruledOut.get(i).offerId()).append(' ').append(ruledOut.get(i).why());
        }
        if (ruledOut.size() > listed) {
            reason.append(", and ").append(ruledOut.size() - listed).append(" more");
        }
        return reason.toString();
    }

    private record RuledOut(String offerId, String why) {
    }
}
