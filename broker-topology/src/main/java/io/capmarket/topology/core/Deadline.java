package io.capmarket.topology.core;

import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * A due check for one attempt of one request, or one operation on its resource, kept until it is
 * due or its attempt or operation is over.
 *
 * @param due when the check runs
 * @param kind what is checked
 * @param attempt the attempt it belongs to, or for {@link Kind#RESEND} and {@link Kind#GIVE_UP}
 *     the revision of the operation; a check for an earlier one does nothing ({@link #isFor})
 * @param requestId the request
 */
public record Deadline(Instant due, Kind kind, int attempt, String requestId) {

    public Deadline {
        Objects.requireNonNull(due, "due");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(requestId, "requestId");
    }

    /**
     * The check a request in {@code status} waits for next, by {@link #next(RequestStatus, Duration,
     * Duration, ToLongFunction)}; while an update or deprovision of its resource goes on, by
     * {@code day2}: the operation's assignment is sent again after {@link Day2Policy#resendWait}
     * since its last exchange with its producer (its start, a send or an answer; not a note on what
     * the request's team asked meanwhile: {@link ResourceLifecycle#exchanges}), unless the
     * operation's deadline comes first, which gives it up. An orphaned deprovision waits for nothing.
     */
    public static Deadline next(RequestStatus status, TopologySettings settings, ToLongFunction<RequestStatus> promise) {
        if (status.getState() == RequestState.FULFILLED) {
            return expiry(status, settings.day2().expiryNotice());
        }
        List<StatusTransition> operation = ResourceLifecycle.operationEntries(status);
        if (operation.isEmpty()) {
            return next(status, settings.maxWait(), settings.acceptDeadline(), promise);
        }
        if (status.getOrphaned()) {
            return null;
        }
        Day2Policy day2 = settings.day2();
        Instant giveUp = operation.get(0).getAt().plus(day2.deadline());
        List<StatusTransition> exchanges = ResourceLifecycle.exchanges(status);
        Instant resend = exchanges.get(exchanges.size() - 1).getAt().plus(day2.resendWait(exchanges.size()));
        return resend.isBefore(giveUp) ? new Deadline(resend, Kind.RESEND, status.getRevision(), status.getRequestId())
                : new Deadline(giveUp, Kind.GIVE_UP, status.getRevision(), status.getRequestId());
    }

    /**
     * The check of a FULFILLED resource's expiry: its announcement {@code notice} before (until it
     * is announced), then the expiry itself; none when it does not expire.
     */
    private static Deadline expiry(RequestStatus status, Duration notice) {
        Instant expiresAt = status.getExpiresAt();
        if (expiresAt == null) {
            return null;
        }
        return status.getExpiryAnnounced() ? new Deadline(expiresAt, Kind.EXPIRE, status.getRevision(), status.getRequestId())
                : new Deadline(expiresAt.minus(notice), Kind.EXPIRY_NOTICE, status.getRevision(), status.getRequestId());
    }

    /** Whether this check is for the attempt, or the operation, that {@code status} stands at. */
    public boolean isFor(RequestStatus status) {
        return (kind.ofResource() ? status.getRevision() : status.getAttempt()) == attempt;
    }

    /**
     * The check a request in {@code status} waits for next, or null when it waits for none: a
     * waiting request fails {@code maxWait} after it began to wait (its submission, its approval, or
     * the end of the attempt that put it back: {@link Waits#waitingSince}), one waiting for
     * approvals at its {@code approvalExpiresAt}; an assigned one must be accepted
     * {@code acceptDeadline} after it was matched (while MATCHED) and be done within the lead
     * time its offer promised (until breached), the earlier of the two first (each check
     * schedules the next one). The desk schedules by this rule, and a task rebuilds its deadlines
     * from its kept requests by it.
     *
     * @param promise the lead time, in milliseconds, the request's offer promises
     */
    private static Deadline next(RequestStatus status, Duration maxWait, Duration acceptDeadline, ToLongFunction<RequestStatus> promise) {
        if (status.getState() == RequestState.WAITING) {
            return new Deadline(Waits.waitingSince(status).plus(maxWait), Kind.WAIT, status.getAttempt(), status.getRequestId());
        }
        if (status.getState() == RequestState.PENDING_APPROVAL) {
            return status.getApprovalExpiresAt() == null ? null
                    : new Deadline(status.getApprovalExpiresAt(), Kind.APPROVAL, status.getAttempt(), status.getRequestId());
        }
        if (!Lifecycle.isAssigned(status)) {
            return null;
        }
        Instant matchedAt = Lifecycle.matchedAt(status);
        Deadline accept = status.getState() == RequestState.MATCHED
                ? new Deadline(matchedAt.plus(acceptDeadline), Kind.ACCEPT, status.getAttempt(), status.getRequestId())
                : null;
        Deadline slo = status.getSloBreached() ? null
                : new Deadline(matchedAt.plusMillis(promise.applyAsLong(status)), Kind.SLO, status.getAttempt(), status.getRequestId());
        if (accept == null || slo == null) {
            return accept == null ? slo : accept;
        }
        return slo.due().isBefore(accept.due()) ? slo : accept;
    }

    /** What a deadline checks. */
    public enum Kind {
        /** The producer must accept by now. */
        ACCEPT,
        /** The offer's lead-time promise runs out now. */
        SLO,
        /** A request still waiting for an offer fails now: {@code matching.max-wait} after {@link Waits#waitingSince}. */
        WAIT,
        /** An update or deprovision not answered since its last entry is sent to its producer again. */
        RESEND,
        /** An update or deprovision not done by now is given up. */
        GIVE_UP,
        /** A resource's coming expiry is announced in its history. */
        EXPIRY_NOTICE,
        /** A resource expires: it is deprovisioned. */
        EXPIRE,
        /** A request still waiting for approvals now fails. */
        APPROVAL;

        /** Whether the check is about a fulfilled request's resource (its {@link Deadline#attempt} a revision). */
        public boolean ofResource() {
            return this == RESEND || this == GIVE_UP || this == EXPIRY_NOTICE || this == EXPIRE;
        }
    }
}
