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

    /** The SUBMITTED status of {@code submit}, stamped with its submission time. */
    public static RequestStatus of(SubmitRequest submit) {
        AvroTrust.install();
        return RequestStatus.newBuilder()
                .setRequestId(submit.getRequestId())
                .setConsumerTeam(submit.getConsumerTeam())
                .setRequestedBy(submit.getRequestedBy())
                .setCapability(submit.getCapability())
                .setCapabilityVersion(submit.getCapabilityVersion())
                .setParameters(submit.getParameters())
                .setConstraints(submit.getConstraints())
                .setPreferences(submit.getPreferences())
                .setPriority(submit.getPriority())
                .setIdempotencyKey(submit.getIdempotencyKey())
                .setTtlMs(submit.getTtlMs())
                .setState(RequestState.SUBMITTED)
                .setAttempt(0)
                .setOfferId(null)
                .setProducerId(null)
                .setTriedOffers(List.of())
                .setOutputs(Map.of())
                .setReason(null)
                .setSloBreached(false)
                .setSubmittedAt(submit.getSubmittedAt())
                .setUpdatedAt(submit.getSubmittedAt())
                .setHistory(List.of(new StatusTransition(RequestState.SUBMITTED, submit.getSubmittedAt(), 0, null, null)))
                .build();
    }
}
