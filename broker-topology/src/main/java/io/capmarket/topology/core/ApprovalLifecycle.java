package io.capmarket.topology.core;

import io.capmarket.schemas.ApprovalDecision;
import io.capmarket.schemas.ApprovalGate;
import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalRules;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.config.ConfigParsers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The approval part of a request's lifecycle, as pure functions: which policies a submitted request
 * must satisfy, and how approvals, a rejection or the approval's expiry move it.
 *
 * <p>The platform admins' policy of a capability version holds every request of that version it
 * applies to (see {@link ApprovalRules#applies}). A producer's policy, in its offer, holds only what
 * that offer would serve: it is a condition of the producer's own offers. A request its policy
 * applies to is never matched to those offers without the producer's approval ({@link #missing}),
 * and waits for that approval only when every offer that could serve it asks for one; when another
 * producer's offer could serve it without, it goes there. Each policy that holds a request becomes
 * one {@link ApprovalGate}, and the request waits in PENDING_APPROVAL until every gate is approved:
 * when both the admins and a producer ask for an approval, the stricter wins, since both must be
 * given. The earliest expiry of the policies that applied is the request's. One approver's approval
 * approves every open gate that names them; one rejection by an approver of any open gate fails the
 * request. The requester never decides on their own request.
 */
public final class ApprovalLifecycle {

    /** The source of the platform admins' gate. */
    public static final String PLATFORM = "platform";
    /** The start of a producer's gate source, followed by its producerId. */
    public static final String PRODUCER = "producer ";

    private ApprovalLifecycle() {
    }

    /**
     * A producer's approval policy, as one of its offers states it.
     *
     * @param producerId the producer
     * @param offerId the offer whose policy it is
     * @param policy the policy
     */
    public record ProducerPolicy(String producerId, String offerId, ApprovalPolicy policy) {

        public ProducerPolicy {
            Objects.requireNonNull(producerId, "producerId");
            Objects.requireNonNull(offerId, "offerId");
            Objects.requireNonNull(policy, "policy");
        }

        /** The offer's policy, or empty when it states none (or one the rules refuse, which asks for nothing). */
        public static Optional<ProducerPolicy> of(CapabilityOffer offer) {
            ApprovalPolicy policy = offer.getApproval();
            if (policy == null || ApprovalRules.refusal(policy).isPresent()) {
                return Optional.empty();
            }
            return Optional.of(new ProducerPolicy(offer.getProducerId(), offer.getOfferId(), policy));
        }
    }

    /**
     * The approvals a request submitted with {@code status} waits for.
     *
     * @param gates one per policy that applied, the admins' first, then the producers' by producerId
     * @param expiresAt when the request fails unless all are given
     */
    public record Pending(List<ApprovalGate> gates, Instant expiresAt) {

        public Pending {
            gates = List.copyOf(gates);
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * The approvals a just-submitted request waits for, or empty when no policy applies to it.
     *
     * @param producers the producers' policies that hold the request (see {@link OfferPool#policiesToAsk}): those
     *     of the offers that could serve it, when every one of them asks for an approval; policies that do not
     *     apply to the request are left out
     * @param platform the admins' policy of the request's capability version, or null
     * @param defaultExpiry the wait of a policy that sets none
     */
    public static Optional<Pending> pending(RequestStatus status, Collection<ProducerPolicy> producers, ApprovalPolicy platform,
            Duration defaultExpiry) {
        return pending(status, producers, platform, defaultExpiry, status.getSubmittedAt());
    }

    /**
     * The approvals a request waits for from {@code from} on: at its submission, or later, when the
     * offers that could serve it without an approval are gone and the producers' are asked then.
     */
    static Optional<Pending> pending(RequestStatus status, Collection<ProducerPolicy> producers, ApprovalPolicy platform,
            Duration defaultExpiry, Instant from) {
        if (platform == null && producers.isEmpty()) {
            return Optional.empty(); // every submit passes here: nothing allocated when no policy exists
        }
        List<ApprovalGate> gates = new ArrayList<>();
        Duration wait = null;
        if (platform != null && applies(platform, status)) {
            gates.add(gate(PLATFORM, platform));
            wait = expiry(platform, defaultExpiry);
        }
        List<ProducerPolicy> sorted = new ArrayList<>(producers);
        sorted.sort(Comparator.comparing(ProducerPolicy::producerId).thenComparing(ProducerPolicy::offerId));
        for (ProducerPolicy producer : sorted) {
            ApprovalPolicy policy = producer.policy();
            if (!applies(policy, status)) {
                continue;
            }
            ApprovalGate gate = gate(PRODUCER + producer.producerId(), policy);
            if (gates.stream().noneMatch(other -> same(other, gate))) {
                gates.add(gate);
            }
            Duration own = expiry(policy, defaultExpiry);
            wait = wait == null || own.compareTo(wait) < 0 ? own : wait;
        }
        return gates.isEmpty() ? Optional.empty() : Optional.of(new Pending(gates, from.plus(wait)));
    }

    /**
     * The approval a producer's policy asks of the request before it may be matched to the policy's offer,
     * or empty when the policy does not apply to the request or the request was given that approval
     * (a gate of the same source and approvers).
     */
    public static Optional<ApprovalGate> missing(RequestStatus status, ProducerPolicy producer) {
        if (!applies(producer.policy(), status)) {
            return Optional.empty();
        }
        ApprovalGate gate = gate(PRODUCER + producer.producerId(), producer.policy());
        return given(status, gate) ? Optional.empty() : Optional.of(gate);
    }

    /**
     * Why an update of a fulfilled request to {@code parameters} is refused for want of an approval,
     * or empty when it is not: the update is held to the admins' policy and to that of the offer
     * holding the resource, as a submit of those parameters to that offer would be, less the approvals
     * the request was given (a gate of the same source and approvers). Another producer's policy
     * has no say. An approval is never asked for on an update: a resource that needs one is a new request.
     *
     * @param parameters the parameters the update asks for, as JSON
     * @param holder the policy of the offer holding the resource, or null when it states none
     */
    public static Optional<String> updateRefusal(RequestStatus status, String parameters, ProducerPolicy holder,
            ApprovalPolicy platform, Duration defaultExpiry) {
        RequestStatus asked = RequestStatus.newBuilder(status).setParameters(parameters).build();
        Optional<Pending> pending = pending(asked, holder == null ? List.of() : List.of(holder), platform, defaultExpiry);
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        List<ApprovalGate> missing = pending.get().gates().stream().filter(gate -> !given(status, gate)).toList();
        return missing.isEmpty() ? Optional.empty() : Optional.of("these parameters need approval by " + describe(missing)
                + ", which the request was not given; submit a new request for them");
    }

    /**
     * The request waits for {@code pending}'s approvals before it is matched; the approvals it was
     * given before (when the producers are asked after the admins approved) are kept. It holds no
     * offer while it waits: one that gave it up before the producers were asked is no longer named.
     */
    public static RequestStatus pendingApproval(RequestStatus status, Pending pending, Instant now) {
        String waitingFor = "waiting for approval by " + describe(pending.gates());
        RequestStatus next = Lifecycle.next(status, RequestState.PENDING_APPROVAL, now, status.getAttempt(), null, waitingFor);
        List<ApprovalGate> gates = new ArrayList<>();
        if (status.getApprovals() != null) {
            status.getApprovals().stream().filter(gate -> gate.getApprovedBy() != null).forEach(gates::add);
        }
        gates.addAll(pending.gates());
        next.setApprovals(gates);
        next.setApprovalExpiresAt(pending.expiresAt());
        next.setOfferId(null);
        next.setProducerId(null);
        next.setReason(waitingFor);
        return next;
    }

    /**
     * Why a decision cannot be applied to the request, or empty when it can: the request is not
     * waiting for approvals, the approver is the requester, or no open gate names the approver.
     */
    public static Optional<String> decisionRefusal(RequestStatus status, ApprovalDecision decision) {
        String who = approver(decision);
        if (status.getState() != RequestState.PENDING_APPROVAL) {
            return Optional.of("decision by " + who + " on request " + status.getRequestId() + ", which stands " + status.getState()
                    + ", not " + RequestState.PENDING_APPROVAL);
        }
        // the same kind and name: a team's bot on Kafka named like a person is not that person
        if (decision.getDecidedBy().getKind() == status.getRequestedBy().getKind()
                && decision.getDecidedBy().getName().equals(status.getRequestedBy().getName())) {
            return Optional.of(who + " asked for request " + status.getRequestId() + " and cannot decide on it");
        }
        if (openGatesOf(status, decision).isEmpty()) {
            return Optional.of(who + " is not an approver of request " + status.getRequestId() + ": its open approvals name "
                    + openApprovers(status));
        }
        return Optional.empty();
    }

    /**
     * The approver's approval, on every open gate that names them; the request stays PENDING_APPROVAL
     * until {@link #allApproved}. The decision must have passed {@link #decisionRefusal}.
     */
    public static RequestStatus approved(RequestStatus status, ApprovalDecision decision, Instant now) {
        String who = approver(decision);
        List<ApprovalGate> decided = openGatesOf(status, decision);
        List<ApprovalGate> gates = new ArrayList<>(status.getApprovals().size());
        for (ApprovalGate gate : status.getApprovals()) {
            gates.add(decided.contains(gate) ? ApprovalGate.newBuilder(gate).setApprovedBy(who).setApprovedAt(now).build() : gate);
        }
        String detail = "approved by " + who + " for " + decided.stream().map(ApprovalGate::getSource).collect(Collectors.joining(", "))
                + (decision.getReason() == null ? "" : ": " + decision.getReason());
        RequestStatus next = Lifecycle.next(status, RequestState.PENDING_APPROVAL, now, status.getAttempt(), null, detail);
        next.setApprovals(gates);
        List<ApprovalGate> open = gates.stream().filter(gate -> gate.getApprovedBy() == null).toList();
        if (open.isEmpty()) {
            next.setApprovalExpiresAt(null);
            next.setReason(null);
        } else {
            next.setReason("waiting for approval by " + describe(open));
        }
        return next;
    }

    /** Whether every approval the request waits for was given. */
    public static boolean allApproved(RequestStatus status) {
        return status.getApprovals().stream().allMatch(gate -> gate.getApprovedBy() != null);
    }

    /** An approver rejected the request: it fails, with their reason. */
    public static RequestStatus rejected(RequestStatus status, ApprovalDecision decision, Instant now) {
        RequestStatus failed = Lifecycle.failed(status, "rejected by " + approver(decision)
                + (decision.getReason() == null ? "" : ": " + decision.getReason()), now);
        failed.setApprovalExpiresAt(null);
        return failed;
    }

    /**
     * The approvals were not all given in time: the request fails, naming how long it waited from
     * its submission, or from when its producers were asked when that was later, and for whom.
     */
    public static RequestStatus expired(RequestStatus status, Instant now) {
        List<ApprovalGate> open = status.getApprovals().stream().filter(gate -> gate.getApprovedBy() == null).toList();
        RequestStatus failed = Lifecycle.failed(status, "approval not given within "
                + ConfigParsers.describe(Duration.between(Waits.enteredAt(status), status.getApprovalExpiresAt()))
                + (Waits.enteredAfter(status) == null ? " of its submission" : " of being asked") + "; waited for " + describe(open),
                now);
        failed.setApprovalExpiresAt(null);
        return failed;
    }

    /** How long the request waited from its submission to its last approval. */
    public static Duration waited(RequestStatus approved, Instant now) {
        return Duration.between(approved.getSubmittedAt(), now);
    }

    /** How the approver of a decision is named in the history and the gates. */
    static String approver(ApprovalDecision decision) {
        return ApprovalRules.describe(decision.getDecidedBy().getName(), decision.getApproverTeam(), decision.getApproverRole());
    }

    private static boolean given(RequestStatus status, ApprovalGate gate) {
        if (status.getApprovals() == null) {
            return false;
        }
        for (ApprovalGate done : status.getApprovals()) {
            if (done.getApprovedBy() != null && same(done, gate)) {
                return true;
            }
        }
        return false;
    }

    /** Whether two gates ask the same source for the same approvers, in whatever order it names them. */
    private static boolean same(ApprovalGate a, ApprovalGate b) {
        return a.getSource().equals(b.getSource()) && Set.copyOf(a.getApprovers()).equals(Set.copyOf(b.getApprovers()));
    }

    private static List<ApprovalGate> openGatesOf(RequestStatus status, ApprovalDecision decision) {
        return status.getApprovals().stream()
                .filter(gate -> gate.getApprovedBy() == null
                        && ApprovalRules.allows(gate.getApprovers(), decision.getApproverTeam(), decision.getApproverRole()))
                .toList();
    }

    private static List<String> openApprovers(RequestStatus status) {
        return status.getApprovals().stream().filter(gate -> gate.getApprovedBy() == null)
                .flatMap(gate -> gate.getApprovers().stream()).distinct().toList();
    }

    private static boolean applies(ApprovalPolicy policy, RequestStatus status) {
        try {
            return ApprovalRules.applies(policy, status.getParameters());
        } catch (IllegalArgumentException notAnObject) {
            return true; // parameters no policy can read: asked for, rather than let through
        }
    }

    private static ApprovalGate gate(String source, ApprovalPolicy policy) {
        return ApprovalGate.newBuilder().setSource(source).setApprovers(List.copyOf(policy.getApprovers())).build();
    }

    private static Duration expiry(ApprovalPolicy policy, Duration defaultExpiry) {
        return policy.getExpiresAfterMs() == null ? defaultExpiry : Duration.ofMillis(policy.getExpiresAfterMs());
    }

    private static String describe(List<ApprovalGate> gates) {
        return gates.stream().map(ApprovalLifecycle::describe).collect(Collectors.joining(" and "));
    }

    /** A gate in words: {@code [role:admin] (producer db-team)}. */
    static String describe(ApprovalGate gate) {
        return gate.getApprovers() + " (" + gate.getSource() + ")";
    }
}
