package io.capmarket.topology.core;

import io.capmarket.schemas.AvroTrust;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.MatchDecision;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.SubmittedStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The request state machine: which states exist, which transitions are allowed, and the status a
 * transition produces (with its history entry). Pure: every method returns a new status and
 * leaves its argument untouched.
 *
 * <pre>
 * SUBMITTED -> MATCHED -> ACCEPTED -> IN_PROGRESS -> FULFILLED
 *     |           |  \                    \-------> FAILED (retryable: back to matching)
 *     |           |   \-> REJECTED / accept deadline passed -> re-match, excluding that offer
 *     v           v
 *  WAITING (no live offer with capacity)
 *  any state before FULFILLED -> CANCELLED ; attempts exhausted -> FAILED
 *
 * FULFILLED -> UPDATING -> FULFILLED (new parameters; a failed update keeps the old ones)
 * FULFILLED or UPDATING -> DEPROVISIONING -> DEPROVISIONED (unanswered past its deadline: flagged an orphan)
 * </pre>
 *
 * The transitions after FULFILLED are {@link ResourceLifecycle}'s.
 */
public final class Lifecycle {

    /** States a request never leaves. */
    public static final Set<RequestState> TERMINAL = EnumSet.of(RequestState.DEPROVISIONED, RequestState.FAILED,
            RequestState.CANCELLED);
    /**
     * States in which the request's resource exists at the producer that made it: FULFILLED, its
     * resting state, and the operations on it.
     */
    public static final Set<RequestState> LIVE = EnumSet.of(RequestState.FULFILLED, RequestState.UPDATING,
            RequestState.DEPROVISIONING);
    /**
     * Transitions after which progress reports and notes coalesce, so that a producer reporting
     * progress without end, or a bot asking for refused updates without end, cannot grow a status
     * past what Kafka accepts in one record: past it, a progress report that follows another of the
     * same attempt replaces it, and a note that follows a note of the same state replaces it, the
     * entry that began the state kept ({@link ResourceLifecycle#noted}). Every other transition is still added, so an entry never
     * moves: readers count the history to follow a request, and the history's growth is bounded by
     * the attempts and the operations.
     */
    public static final int MAX_HISTORY = 100;
    /** Matching decisions one status record carries at most, the latest of its step. */
    public static final int MAX_DECISIONS = 5;
    /** How much earlier than the topology's clock a submission may say it was made. */
    public static final Duration MAX_SUBMISSION_AGE = Duration.ofHours(1);
    /** Characters of a transition's detail kept at most; longer ones end with an ellipsis. */
    public static final int MAX_DETAIL = 1_000;

    /** States in which the request holds a unit of its offer's capacity. */
    public static final Set<RequestState> ASSIGNED = EnumSet.of(RequestState.MATCHED, RequestState.ACCEPTED,
            RequestState.IN_PROGRESS);

    static {
        // copies of generated records with nested records load their classes by name
        AvroTrust.install();
    }

    private Lifecycle() {
    }

    /** Whether the request is finished. */
    public static boolean isTerminal(RequestStatus status) {
        return TERMINAL.contains(status.getState());
    }

    /** Whether the request's resource exists (FULFILLED, or being updated or deprovisioned). */
    public static boolean isLive(RequestStatus status) {
        return LIVE.contains(status.getState());
    }

    /** Whether the request is still being provisioned: not yet FULFILLED, nor finished otherwise. */
    public static boolean isProvisioning(RequestStatus status) {
        return !isTerminal(status) && !isLive(status);
    }

    /** Whether the request currently holds capacity of its offer. */
    public static boolean isAssigned(RequestStatus status) {
        return ASSIGNED.contains(status.getState());
    }

    /** The status of a request just submitted, as this task first sees it at {@code now}. */
    public static RequestStatus submitted(SubmitRequest submit, Instant now) {
        return submitted(submit, now, null);
    }

    /**
     * The status of a request just submitted, remembering the W3C {@code traceParent} of its
     * submit (null when it came without one), which later records about it carry.
     */
    public static RequestStatus submitted(SubmitRequest submit, Instant now, String traceParent) {
        RequestStatus status = SubmittedStatus.of(submit);
        Instant claimed = status.getSubmittedAt();
        // a writer's clock is not the topology's: dated no later than now, no earlier than MAX_SUBMISSION_AGE before
        Instant dated = claimed.isAfter(now) ? now : claimed.isBefore(now.minus(MAX_SUBMISSION_AGE)) ? now.minus(MAX_SUBMISSION_AGE)
                : claimed;
        status.setUpdatedAt(now);
        status.setTraceParent(traceParent);
        if (!dated.equals(claimed)) {
            List<StatusTransition> history = new ArrayList<>(status.getHistory());
            history.replaceAll(t -> t.getState() == RequestState.SUBMITTED ? StatusTransition.newBuilder(t).setAt(dated).build() : t);
            status.setSubmittedAt(dated);
            status.setHistory(history);
        }
        return status;
    }

    /** What matching needs to know of a request. */
    public static MatchRequest matchRequest(RequestStatus status) {
        return matchRequest(status, Map.of());
    }

    /**
     * What matching needs to know of the request, which may not be matched to {@code gatedOffers} for want of
     * their producers' approval ({@link MatchRequest#gatedOffers}).
     */
    public static MatchRequest matchRequest(RequestStatus status, Map<String, String> gatedOffers) {
        return new MatchRequest(status.getRequestId(), status.getCapability(), status.getCapabilityVersion(),
                status.getConstraints(), status.getPreferences(), Set.copyOf(status.getTriedOffers()),
                Set.copyOf(status.getUnansweredOffers()), status.getTtlMs(), gatedOffers);
    }

    /** The request goes to an offer, for the reasons {@code decision} records: a new attempt begins. */
    public static RequestStatus matched(RequestStatus status, Offer offer, MatchDecision decision, Instant now) {
        RequestStatus matched = matched(status, offer, now);
        matched.setDecisions(decided(status, decision));
        return matched;
    }

    /** No offer can serve the request now, for the reasons {@code decision} records. */
    public static RequestStatus waiting(RequestStatus status, String reason, MatchDecision decision, Instant now) {
        RequestStatus waiting = waiting(status, reason, now);
        waiting.setDecisions(decided(status, decision));
        return waiting;
    }

    /**
     * The status without its matching decisions: they are published once, on the record of the step that made
     * them, and not kept, so that no later record of the request (nor the topology's own store) carries them again.
     */
    public static RequestStatus withoutDecisions(RequestStatus status) {
        if (status.getDecisions().isEmpty()) {
            return status;
        }
        RequestStatus kept = copyOf(status);
        kept.setDecisions(List.of());
        return kept;
    }

    /**
     * The decisions of the step so far with one more (a status kept between steps has none), the oldest dropped
     * past {@link #MAX_DECISIONS}.
     */
    private static List<MatchDecision> decided(RequestStatus status, MatchDecision decision) {
        List<MatchDecision> before = status.getDecisions();
        int kept = Math.min(before.size(), MAX_DECISIONS - 1);
        List<MatchDecision> decisions = new ArrayList<>(kept + 1);
        decisions.addAll(before.subList(before.size() - kept, before.size()));
        decisions.add(decision);
        return decisions;
    }

    /** The request goes to an offer: a new attempt begins. */
    public static RequestStatus matched(RequestStatus status, Offer offer, Instant now) {
        int attempt = status.getAttempt() + 1;
        RequestStatus matched = next(status, RequestState.MATCHED, now, attempt, offer.offerId(), "matched to " + offer.offerId()
                + " of " + offer.producerId());
        matched.setOfferId(offer.offerId());
        matched.setProducerId(offer.producerId());
        matched.setReason(null);
        matched.setSloBreached(false);
        return matched;
    }

    /** No offer can serve the request now. */
    public static RequestStatus waiting(RequestStatus status, String reason, Instant now) {
        RequestStatus waiting = next(status, RequestState.WAITING, now, status.getAttempt(), null, reason);
        waiting.setOfferId(null);
        waiting.setProducerId(null);
        waiting.setReason(reason);
        return waiting;
    }

    /** The producer accepted the assignment. */
    public static RequestStatus accepted(RequestStatus status, Instant now) {
        return next(status, RequestState.ACCEPTED, now, status.getAttempt(), status.getOfferId(), null);
    }

    /** The producer reported progress; from MATCHED this implies acceptance. */
    public static RequestStatus inProgress(RequestStatus status, String message, Instant now) {
        RequestStatus base = status.getState() == RequestState.MATCHED ? accepted(status, now) : status;
        List<StatusTransition> history = base.getHistory();
        StatusTransition last = history.get(history.size() - 1);
        if (history.size() >= MAX_HISTORY && last.getState() == RequestState.IN_PROGRESS && last.getAttempt() == base.getAttempt()) {
            return replacingLast(base, RequestState.IN_PROGRESS, message, now);
        }
        return next(base, RequestState.IN_PROGRESS, now, base.getAttempt(), base.getOfferId(), message);
    }

    /** The producer delivered. */
    public static RequestStatus fulfilled(RequestStatus status, Map<String, String> outputs, String message, Instant now) {
        RequestStatus fulfilled = next(status, RequestState.FULFILLED, now, status.getAttempt(), status.getOfferId(), message);
        fulfilled.setOutputs(outputs);
        fulfilled.setReason(null);
        return fulfilled;
    }

    /**
     * The current attempt's offer gave the request up: a rejection or missed accept deadline
     * (recorded as REJECTED) or a retryable failure (recorded as FAILED). The offer is excluded
     * from further attempts and the request stands REJECTED until it is matched again, waits, or
     * fails because its attempts are used up (see {@link #exhausted}). Only a REJECTED status is
     * ever published on its own: publishing a transient FAILED would end every reader's wait.
     */
    public static RequestStatus offerGaveUp(RequestStatus status, RequestState recordedAs, String detail, Instant now) {
        return offerGaveUp(status, recordedAs, detail, false, now);
    }

    /**
     * As {@link #offerGaveUp(RequestStatus, RequestState, String, Instant)}; {@code unanswered} when the
     * offer let its accept deadline pass without a word, which makes it one that matching may try again
     * when no other offer qualifies (see {@link Matcher}). An answer (a rejection, a failure) makes it
     * excluded for good.
     */
    public static RequestStatus offerGaveUp(RequestStatus status, RequestState recordedAs, String detail, boolean unanswered,
            Instant now) {
        List<String> tried = new ArrayList<>(status.getTriedOffers());
        List<String> unansweredOffers = new ArrayList<>(status.getUnansweredOffers());
        String offerId = status.getOfferId();
        if (offerId != null) {
            if (!tried.contains(offerId)) {
                tried.add(offerId);
            }
            unansweredOffers.remove(offerId);
            if (unanswered) {
                unansweredOffers.add(offerId);
            }
        }
        RequestStatus givenUp = next(status, recordedAs, now, status.getAttempt(), status.getOfferId(), detail);
        givenUp.setState(RequestState.REJECTED);
        givenUp.setTriedOffers(tried);
        givenUp.setUnansweredOffers(unansweredOffers);
        givenUp.setReason(detail);
        return givenUp;
    }

    /** Whether a request that lost its offer may be matched again. */
    public static boolean exhausted(RequestStatus status, int maxAttempts) {
        return status.getAttempt() >= maxAttempts;
    }

    /** The request fails for good. */
    public static RequestStatus failed(RequestStatus status, String reason, Instant now) {
        RequestStatus failed = next(status, RequestState.FAILED, now, status.getAttempt(), status.getOfferId(), reason);
        failed.setReason(reason);
        return failed;
    }

    /** The consumer cancelled. */
    public static RequestStatus cancelled(RequestStatus status, String reason, Instant now) {
        RequestStatus cancelled = next(status, RequestState.CANCELLED, now, status.getAttempt(), status.getOfferId(), reason);
        cancelled.setReason(reason);
        return cancelled;
    }

    /** Work ran past the offer's lead-time promise: flagged, not reassigned. */
    public static RequestStatus sloBreached(RequestStatus status, String detail, Instant now) {
        List<StatusTransition> history = new ArrayList<>(status.getHistory());
        history.add(transition(status.getState(), now, status.getAttempt(), status.getOfferId(), detail));
        RequestStatus breached = copyOf(status);
        breached.setSloBreached(true);
        breached.setUpdatedAt(now);
        breached.setHistory(history);
        return breached;
    }

    /**
     * When the request's current attempt was matched: its first MATCHED transition (an SLO breach
     * while MATCHED adds another); its last update when the history no longer says.
     */
    public static Instant matchedAt(RequestStatus status) {
        Instant matched = null;
        for (int i = status.getHistory().size() - 1; i >= 0; i--) {
            var transition = status.getHistory().get(i);
            if (transition.getAttempt() != status.getAttempt()) {
                if (matched != null) {
                    break;
                }
                continue;
            }
            if (transition.getState() == RequestState.MATCHED) {
                matched = transition.getAt();
            }
        }
        return matched == null ? status.getUpdatedAt() : matched;
    }

    /** How a fulfilment report relates to the request's current state. */
    public enum Verdict {
        /**
         * The report claims work its producer does not hold: an attempt held by another producer, or
         * another capability than the request's. Recorded, not applied; see {@link #misattribution}.
         */
        MISATTRIBUTED,
        /** The report is for an attempt or offer that is no longer current: recorded, not applied. */
        STALE,
        /**
         * The request is already finished, or FULFILLED with no operation on its resource going on:
         * recorded, not applied.
         */
        FINISHED,
        /** The report does not fit the current state (e.g. ACCEPTED twice): recorded, not applied. */
        OUT_OF_ORDER,
        /** The report applies. */
        APPLY
    }

    /**
     * What a misattributed report claims that is not so.
     *
     * @param field what differs: {@code producer} or {@code capability}
     * @param detail in words, naming what the report claims and what the request holds
     */
    public record Misattribution(String field, String detail) {
    }

    /**
     * Whether a fulfilment report applies to the request as it stands, knowing no offer's producer
     * beyond the request's own assignment; see {@link #judge(RequestStatus, FulfilmentEvent, Function)}.
     */
    public static Verdict judge(RequestStatus status, FulfilmentEvent event) {
        return judge(status, event, offerId -> Optional.empty());
    }

    /**
     * Whether a fulfilment report applies to the request as it stands. A report applies only when
     * its producer, offer, attempt, revision and capability are the request's current assignment,
     * in a state the report's kind fits: while the request is provisioned (revision 0), or while
     * an update or deprovision of its resource goes on (that operation's revision, any kind).
     * Misattribution is judged first, then a finished request, then staleness: a late report from
     * the producer that really held an earlier attempt is stale, not misattributed.
     *
     * @param producerOfOffer the producer of an offer the request was once matched to, when still
     *     known, to tell whose an earlier attempt was
     */
    public static Verdict judge(RequestStatus status, FulfilmentEvent event, Function<String, Optional<String>> producerOfOffer) {
        if (misattribution(status, event, producerOfOffer).isPresent()) {
            return Verdict.MISATTRIBUTED;
        }
        if (isTerminal(status) || status.getState() == RequestState.FULFILLED) {
            return Verdict.FINISHED;
        }
        boolean holder = event.getAttempt() == status.getAttempt() && event.getOfferId().equals(status.getOfferId())
                && event.getProducerId().equals(status.getProducerId());
        if (isLive(status)) {
            return holder && event.getRevision() == status.getRevision() ? Verdict.APPLY : Verdict.STALE;
        }
        if (!isAssigned(status) || !holder || event.getRevision() != 0) {
            return Verdict.STALE;
        }
        return switch (event.getKind()) {
            case ACCEPTED, REJECTED -> status.getState() == RequestState.MATCHED ? Verdict.APPLY : Verdict.OUT_OF_ORDER;
            case PROGRESS, FULFILLED, FAILED -> Verdict.APPLY;
        };
    }

    /**
     * Why a report claims work that its producer does not hold, or empty when it does not: it names
     * another capability than the request's, or an attempt that another producer holds (the current
     * one) or held (an earlier one whose offer's producer is still known).
     *
     * @param producerOfOffer the producer of an offer, when still known
     */
    public static Optional<Misattribution> misattribution(RequestStatus status, FulfilmentEvent event,
            Function<String, Optional<String>> producerOfOffer) {
        if (!event.getCapability().equals(status.getCapability())) {
            return Optional.of(new Misattribution("capability", "the report names capability " + event.getCapability()
                    + " but request " + status.getRequestId() + " is for " + status.getCapability()));
        }
        Optional<String> holder = holderOf(status, event.getAttempt(), producerOfOffer);
        if (holder.isPresent() && !holder.get().equals(event.getProducerId())) {
            return Optional.of(new Misattribution("producer", "producer " + event.getProducerId() + " reported on attempt "
                    + event.getAttempt() + " of request " + status.getRequestId() + ", which is assigned to producer "
                    + holder.get()));
        }
        return Optional.empty();
    }

    /** The producer that holds (the current attempt) or held (an earlier one) an attempt of the request, when known. */
    private static Optional<String> holderOf(RequestStatus status, int attempt, Function<String, Optional<String>> producerOfOffer) {
        if (attempt == status.getAttempt() && status.getProducerId() != null) {
            return Optional.of(status.getProducerId());
        }
        List<StatusTransition> history = status.getHistory();
        for (int i = history.size() - 1; i >= 0; i--) {
            StatusTransition transition = history.get(i);
            if (transition.getState() == RequestState.MATCHED && transition.getAttempt() == attempt
                    && transition.getOfferId() != null) {
                return producerOfOffer.apply(transition.getOfferId());
            }
        }
        return Optional.empty();
    }

    /** The status after one more transition; the caller sets what else changes on the copy. */
    static RequestStatus next(RequestStatus status, RequestState state, Instant now, int attempt,
            String offerId, String detail) {
        List<StatusTransition> history = new ArrayList<>(status.getHistory().size() + 1);
        history.addAll(status.getHistory());
        history.add(transition(state, now, attempt, offerId, detail));
        RequestStatus next = copyOf(status);
        next.setState(state);
        next.setAttempt(attempt);
        next.setUpdatedAt(now);
        next.setHistory(history);
        return next;
    }

    /**
     * {@code status} with its last history entry replaced by one of {@code state} and its attempt, at
     * {@code now}: what a progress report or a note past {@link #MAX_HISTORY} writes instead of adding
     * an entry.
     */
    static RequestStatus replacingLast(RequestStatus status, RequestState state, String detail, Instant now) {
        List<StatusTransition> history = new ArrayList<>(status.getHistory());
        history.set(history.size() - 1, transition(state, now, status.getAttempt(), status.getOfferId(), detail));
        RequestStatus replaced = copyOf(status);
        replaced.setUpdatedAt(now);
        replaced.setHistory(history);
        return replaced;
    }

    /**
     * A copy sharing every field's value with {@code status}: statuses are never changed once made,
     * so the lists and maps they hold need no deep copy (which Avro's builders make of each).
     */
    static RequestStatus copyOf(RequestStatus status) {
        RequestStatus copy = new RequestStatus();
        int fields = RequestStatus.getClassSchema().getFields().size();
        for (int i = 0; i < fields; i++) {
            copy.put(i, status.get(i));
        }
        return copy;
    }

    private static StatusTransition transition(RequestState state, Instant at, int attempt, String offerId, String detail) {
        String bounded = detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 1) + "…";
        return new StatusTransition(state, at, attempt, offerId, bounded);
    }
}
