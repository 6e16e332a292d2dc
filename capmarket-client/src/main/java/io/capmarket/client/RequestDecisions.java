package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Why matching sent a request where it did, or why it waits: its latest matching decisions as
 * the gateway showed them ({@link CapmarketClient#decisions(String)}).
 *
 * @param requestId the request
 * @param capability the capability requested
 * @param version its major version
 * @param state the request's current state, as the gateway names it (typed: {@link #requestState()})
 * @param offerId the offer the request is assigned to now, or null
 * @param decisions the latest decisions, oldest first (the gateway keeps a few); empty for a request not matched yet
 *     (SUBMITTED, PENDING_APPROVAL) or recorded before decisions were kept
 * @param json the whole answer, for fields this client does not model
 */
public record RequestDecisions(String requestId, String capability, int version, String state, String offerId,
        List<Decision> decisions, JsonNode json) {

    /** Decisions; the list is copied. */
    public RequestDecisions {
        decisions = List.copyOf(Objects.requireNonNull(decisions, "decisions"));
    }

    /** What one matching decision decided. A value this client does not know reads as {@link #OTHER}. */
    public enum Outcome {
        /** An offer was chosen: {@link Decision#offerId()}. */
        MATCHED,
        /** No offer could serve the request then: it waits for one. */
        WAITING,
        /** The team's quota did not allow one more request in flight: no offer was considered ({@link Decision#note()}). */
        HELD,
        /** Anything else. */
        OTHER;

        /** The outcome named {@code name}, or {@link #OTHER} for any other name, null included. */
        public static Outcome of(String name) {
            return name == null ? OTHER : switch (name.toUpperCase(Locale.ROOT)) {
                case "MATCHED" -> MATCHED;
                case "WAITING" -> WAITING;
                case "HELD" -> HELD;
                default -> OTHER;
            };
        }
    }

    /**
     * One matching decision.
     *
     * @param at when it was made
     * @param attempt the request's attempt after it: the new attempt for a match, the current one for a wait
     * @param outcome what was decided
     * @param offerId the offer chosen (for {@link Outcome#MATCHED}), else null
     * @param summary the decision in one sentence, as the gateway words it (for example
     *     {@code matched pg-eu-1 of dba-team: the best score (5.90) of 2 candidates; 1 offer ruled out})
     * @param weights the weights of the score's factors when it was made
     * @param candidates the offers considered: the chosen one first, then the other scored candidates, best first, then
     *     those ruled out, by offerId
     * @param unlisted how many more offers were considered than {@code candidates} lists
     * @param note what else decided (for {@link Outcome#HELD}, the quota), or null
     */
    public record Decision(Instant at, int attempt, Outcome outcome, String offerId, String summary, Weights weights,
            List<Candidate> candidates, int unlisted, String note) {

        /** A decision; the candidates are copied. */
        public Decision {
            candidates = List.copyOf(Objects.requireNonNull(candidates, "candidates"));
        }

        /** The candidate chosen, if an offer was. */
        public Optional<Candidate> chosen() {
            return candidates.stream().filter(Candidate::chosen).findFirst();
        }
    }

    /**
     * The weights of a score's factors (relative; each factor is from 0 to 1).
     *
     * @param headroom the weight of free capacity
     * @param speed the weight of keeping the lead-time promise
     * @param reliability the weight of a low recent failure rate
     * @param preference the weight of the share of the request's preferences met
     */
    public record Weights(double headroom, double speed, double reliability, double preference) {
    }

    /**
     * One offer a decision considered: ruled out by a filter, or scored.
     *
     * @param offerId the offer
     * @param producerId its producer
     * @param version the major version it serves
     * @param chosen whether the decision chose it
     * @param filter the rule that ruled it out, as the gateway names it ({@code VERSION}, {@code STATUS},
     *     {@code CONSTRAINT}, {@code TTL}, {@code TRIED}, {@code GATED}, {@code LIVENESS}, {@code CAPACITY}, {@code APPROVAL},
     *     {@code OTHER}),
     *     or null for a candidate that was scored
     * @param detail the filter's reason in words (for example {@code constraint region=[eu] not met (us)}); for a
     *     scored candidate whose producer is on probation, why it is; otherwise null
     * @param score its score, or null when it was ruled out
     */
    public record Candidate(String offerId, String producerId, int version, boolean chosen, String filter, String detail,
            MatchScore score) {

        /** Whether a filter ruled it out. */
        public boolean ruledOut() {
            return filter != null;
        }
    }

    /**
     * A candidate's score: each factor from 0 to 1, and their sum weighted by the decision's {@link Weights}.
     *
     * @param headroom capacity left over capacity
     * @param speed the promised lead time over the observed one, at most 1
     * @param reliability 1 minus the recent failure rate
     * @param preference the share of the request's preferences its attributes meet (1 when there are none)
     * @param total the weighted sum times {@code probation}: the highest wins
     * @param probation 1, or the factor the sum was multiplied by while the offer's producer is on probation (the
     *     candidate's {@code detail} then says why)
     */
    public record MatchScore(double headroom, double speed, double reliability, double preference, double total,
            double probation) {

        /** A score of a producer in good standing. */
        public MatchScore(double headroom, double speed, double reliability, double preference, double total) {
            this(headroom, speed, reliability, preference, total, 1.0);
        }
    }

    /** The latest decision, if any was made. */
    public Optional<Decision> latest() {
        return decisions.isEmpty() ? Optional.empty() : Optional.of(decisions.get(decisions.size() - 1));
    }

    /** The request's current state, typed; {@link RequestState#UNKNOWN} for a state this client does not know. */
    public RequestState requestState() {
        return RequestState.of(state);
    }

    static RequestDecisions from(JsonNode json) {
        List<Decision> decisions = new ArrayList<>();
        json.path("decisions").forEach(decision -> decisions.add(decision(decision)));
        return new RequestDecisions(json.path("requestId").asText(), json.path("capability").asText(), json.path("version").asInt(),
                json.path("state").asText(), text(json.path("offerId")), decisions, json);
    }

    private static Decision decision(JsonNode json) {
        JsonNode weights = json.path("weights");
        List<Candidate> candidates = new ArrayList<>();
        json.path("candidates").forEach(candidate -> {
            JsonNode score = candidate.path("score");
            candidates.add(new Candidate(candidate.path("offerId").asText(), candidate.path("producerId").asText(),
                    candidate.path("version").asInt(), candidate.path("chosen").asBoolean(), text(candidate.path("filter")),
                    text(candidate.path("detail")), score.isObject() ? new MatchScore(score.path("headroom").asDouble(),
                            score.path("speed").asDouble(), score.path("reliability").asDouble(), score.path("preference").asDouble(),
                            score.path("total").asDouble(), score.path("probation").asDouble(1.0)) : null));
        });
        return new Decision(Capability.instant(json.path("at")), json.path("attempt").asInt(), Outcome.of(text(json.path("outcome"))),
                text(json.path("offerId")), json.path("summary").asText(""), new Weights(weights.path("headroom").asDouble(),
                        weights.path("speed").asDouble(), weights.path("reliability").asDouble(), weights.path("preference").asDouble()),
                candidates, json.path("unlisted").asInt(), text(json.path("note")));
    }

    private static String text(JsonNode json) {
        return json.isNull() ? null : json.asText(null);
    }
}
