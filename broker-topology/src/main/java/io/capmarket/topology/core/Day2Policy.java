package io.capmarket.topology.core;

import java.time.Duration;

/**
 * How the desk follows up an update or deprovision of a fulfilled request's resource: while its
 * producer has not answered, the operation's assignment is sent again {@code resendAfter} after
 * it was sent, then after twice as long each time, never more than {@code resendMax} apart; every
 * answer (acceptance, progress, a retryable failure) starts the wait again, and nothing else does
 * (not an update refused or an expiry moved meanwhile). {@code deadline} after
 * the operation began it is given up: an update fails and the resource keeps its parameters, a
 * deprovision is flagged as an orphan for an operator. A resource that expires has its expiry
 * announced in its history {@code expiryNotice} before. A request waiting for approvals fails
 * {@code approvalExpiresAfter} after its submission, unless a policy that applied to it says sooner.
 * A finished request (DEPROVISIONED, FAILED or CANCELLED) is kept {@code retainFinished} after its
 * last change, then deleted, its status included ({@link FinishedRequests}); {@link Duration#ZERO}
 * keeps finished requests for good.
 *
 * @param resendAfter how long after sending the operation's assignment it is first sent again
 * @param resendMax the longest wait between two sends (the first wait too, when it is shorter)
 * @param deadline how long an operation may take in all
 * @param expiryNotice how long before a resource's expiry it is announced
 * @param approvalExpiresAfter how long a request waits for its approvals when its policies do not say
 * @param retainFinished how long a finished request is kept after its last change; zero: for good
 */
public record Day2Policy(Duration resendAfter, Duration resendMax, Duration deadline, Duration expiryNotice,
        Duration approvalExpiresAfter, Duration retainFinished) {

    public static final Duration DEFAULT_RESEND_AFTER = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RESEND_MAX = Duration.ofMinutes(10);
    public static final Duration DEFAULT_DEADLINE = Duration.ofHours(1);
    public static final Duration DEFAULT_EXPIRY_NOTICE = Duration.ofDays(1);
    public static final Duration DEFAULT_APPROVAL_EXPIRES_AFTER = Duration.ofDays(3);
    public static final Duration DEFAULT_RETAIN_FINISHED = Duration.ofDays(30);

    public Day2Policy {
        requirePositive("resendAfter", resendAfter);
        requirePositive("resendMax", resendMax);
        requirePositive("deadline", deadline);
        requirePositive("expiryNotice", expiryNotice);
        requirePositive("approvalExpiresAfter", approvalExpiresAfter);
        if (retainFinished == null || retainFinished.isNegative()) {
            throw new IllegalArgumentException("retainFinished must be 0 (for good) or greater, but was " + retainFinished);
        }
    }

    /** The policy with {@link #DEFAULT_RETAIN_FINISHED}. */
    public Day2Policy(Duration resendAfter, Duration resendMax, Duration deadline, Duration expiryNotice,
            Duration approvalExpiresAfter) {
        this(resendAfter, resendMax, deadline, expiryNotice, approvalExpiresAfter, DEFAULT_RETAIN_FINISHED);
    }

    /** The policy with {@link #DEFAULT_APPROVAL_EXPIRES_AFTER}. */
    public Day2Policy(Duration resendAfter, Duration resendMax, Duration deadline, Duration expiryNotice) {
        this(resendAfter, resendMax, deadline, expiryNotice, DEFAULT_APPROVAL_EXPIRES_AFTER);
    }

    /** The policy with {@link #DEFAULT_EXPIRY_NOTICE}. */
    public Day2Policy(Duration resendAfter, Duration resendMax, Duration deadline) {
        this(resendAfter, resendMax, deadline, DEFAULT_EXPIRY_NOTICE);
    }

    /** Every setting at its default. */
    public static Day2Policy ofDefaults() {
        return new Day2Policy(DEFAULT_RESEND_AFTER, DEFAULT_RESEND_MAX, DEFAULT_DEADLINE, DEFAULT_EXPIRY_NOTICE,
                DEFAULT_APPROVAL_EXPIRES_AFTER, DEFAULT_RETAIN_FINISHED);
    }

    /** The wait before the next send, when the operation's assignment has been sent or answered {@code rounds} times (from 1). */
    public Duration resendWait(int rounds) {
        Duration wait = resendAfter;
        for (int i = 1; i < rounds && wait.compareTo(resendMax) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(resendMax) > 0 ? resendMax : wait;
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be greater than 0, but was " + value);
        }
    }
}
