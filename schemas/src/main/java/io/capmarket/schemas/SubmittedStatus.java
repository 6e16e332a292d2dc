package io.capmarket.schemas;

import java.util.List;
import java.util.Map;

/**
 * The status of a request that has just been submitted: the command's fields, state SUBMITTED,
 * no attempt yet, and a history of one transition at the submission time. The gateway shows it
 * until the topology publishes its own; the topology starts every request's lifecycle from it.
 */
public final class SubmittedStatus {

    private SubmittedStatus() {
    }

    /**
     * The SUBMITTED status of {@code submit}, stamped with its submission time. Every field is set here rather
     * than left to a builder's defaults: a builder looks each default up by its field, which hashes the field's
     * whole schema, and this runs for every request submitted.
     */
    public static RequestStatus of(SubmitRequest submit) {
        AvroTrust.install();
        RequestStatus status = new RequestStatus();
        status.setRequestId(submit.getRequestId());
        status.setConsumerTeam(submit.getConsumerTeam());
        status.setRequestedBy(submit.getRequestedBy());
        status.setCapability(submit.getCapability());
        status.setCapabilityVersion(submit.getCapabilityVersion());
        status.setParameters(submit.getParameters());
        status.setConstraints(submit.getConstraints());
        status.setPreferences(submit.getPreferences());
        status.setPriority(submit.getPriority());
        status.setIdempotencyKey(submit.getIdempotencyKey());
        status.setState(RequestState.SUBMITTED);
        status.setAttempt(0);
        status.setOfferId(null);
        status.setProducerId(null);
        status.setTriedOffers(List.of());
        status.setOutputs(Map.of());
        status.setReason(null);
        status.setSloBreached(false);
        status.setSubmittedAt(submit.getSubmittedAt());
        status.setUpdatedAt(submit.getSubmittedAt());
        status.setHistory(List.of(new StatusTransition(RequestState.SUBMITTED, submit.getSubmittedAt(), 0, null, null)));
        status.setUnansweredOffers(List.of());
        status.setTraceParent(null);
        status.setRevision(0);
        status.setPendingParameters(null);
        status.setTtlMs(submit.getTtlMs());
        status.setExpiresAt(null);
        status.setExpiryAnnounced(false);
        status.setOrphaned(false);
        status.setApprovals(List.of());
        status.setApprovalExpiresAt(null);
        status.setDecisions(List.of());
        return status;
    }
}
