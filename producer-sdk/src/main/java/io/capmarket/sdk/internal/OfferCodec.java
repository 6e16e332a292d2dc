package io.capmarket.sdk.internal;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.sdk.Approval;
import io.capmarket.sdk.Offer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@link Offer} to and from the Avro {@link CapabilityOffer} on the offers topic. */
public final class OfferCodec {

    private OfferCodec() {
    }

    public static CapabilityOffer toAvro(Offer offer, String producerId, Instant updatedAt) {
        return CapabilityOffer.newBuilder()
                .setOfferId(offer.offerId())
                .setProducerId(producerId)
                .setCapability(offer.capability())
                .setCapabilityVersion(offer.capabilityVersion())
                .setDescription(offer.description())
                .setParameterSchema(offer.parameterSchema())
                .setOutputSchema(offer.outputSchema())
                .setAttributes(Map.copyOf(offer.attributes()))
                .setLeadTimeSloMs(offer.leadTime().toMillis())
                .setCapacity(offer.capacity())
                .setStatus(offer.status())
                .setSunsetAt(offer.sunsetAt())
                .setUpdatedAt(updatedAt)
                .setUpdatableParameters(offer.updatableParameters())
                .setMaxTtlMs(offer.maxTtl() == null ? null : offer.maxTtl().toMillis())
                .setApproval(offer.approval() == null ? null : toAvro(offer.approval()))
                .build();
    }

    /** The policy as the offers topic carries it ({@code expiresAfter} in milliseconds). */
    public static ApprovalPolicy toAvro(Approval approval) {
        return ApprovalPolicy.newBuilder()
                .setWhen(approval.when())
                .setApprovers(approval.approvers())
                .setExpiresAfterMs(approval.expiresAfter() == null ? null : approval.expiresAfter().toMillis())
                .build();
    }

    private static Approval fromAvro(ApprovalPolicy policy) {
        return new Approval(policy.getWhen(), policy.getApprovers(),
                policy.getExpiresAfterMs() == null ? null : Duration.ofMillis(policy.getExpiresAfterMs()));
    }

    /** @throws io.capmarket.sdk.InvalidOfferException when the published offer breaks the SDK's rules */
    public static Offer fromAvro(CapabilityOffer offer) {
        return new Offer(offer.getOfferId(), offer.getCapability(), offer.getCapabilityVersion(), offer.getDescription(),
                offer.getParameterSchema(), offer.getOutputSchema(), Map.copyOf(offer.getAttributes()), offer.getCapacity(),
                Duration.ofMillis(offer.getLeadTimeSloMs()), offer.getStatus(), offer.getSunsetAt(),
                List.copyOf(offer.getUpdatableParameters()), offer.getMaxTtlMs() == null ? null : Duration.ofMillis(offer.getMaxTtlMs()),
                offer.getApproval() == null ? null : fromAvro(offer.getApproval()));
    }
}
