package io.capmarket.topology;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The records the topology's tests feed it, the same for the desk's tier and the topology's. */
public final class TestRecords {

    private TestRecords() {
    }

    /** An ACTIVE version-1 offer promising a 60 s lead time. */
    public static CapabilityOffer offer(String offerId, String producerId, String capability, int capacity,
            Map<String, String> attributes, Instant at) {
        return CapabilityOffer.newBuilder()
                .setOfferId(offerId)
                .setProducerId(producerId)
                .setCapability(capability)
                .setCapabilityVersion(1)
                .setDescription(capability + " by " + producerId)
                .setParameterSchema("{\"type\":\"object\"}")
                .setOutputSchema("{}")
                .setAttributes(attributes)
                .setLeadTimeSloMs(60_000L)
                .setCapacity(capacity)
                .setStatus(OfferStatus.ACTIVE)
                .setUpdatedAt(at)
                .build();
    }

    /** A version-1 submission by alice of {@code consumerTeam}, without parameters or preferences. */
    public static SubmitRequest submit(String requestId, String capability, Priority priority,
            Map<String, List<String>> constraints, String consumerTeam, Instant at) {
        return SubmitRequest.newBuilder()
                .setRequestId(requestId)
                .setConsumerTeam(consumerTeam)
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice"))
                .setCapability(capability)
                .setCapabilityVersion(1)
                .setParameters("{}")
                .setConstraints(constraints)
                .setPreferences(Map.of())
                .setPriority(priority)
                .setSubmittedAt(at)
                .setIdempotencyKey(null)
                .build();
    }

    /** A report of {@code kind}, with a host output when it fulfils. */
    public static FulfilmentEvent report(String requestId, String offerId, String producerId, String capability, int attempt,
            FulfilmentKind kind, boolean retryable, Instant at) {
        return FulfilmentEvent.newBuilder()
                .setRequestId(requestId)
                .setOfferId(offerId)
                .setProducerId(producerId)
                .setCapability(capability)
                .setAttempt(attempt)
                .setKind(kind)
                .setMessage(kind + " from " + producerId)
                .setOutputs(kind == FulfilmentKind.FULFILLED ? Map.of("host", requestId + ".db.internal") : Map.of())
                .setRetryable(retryable)
                .setAt(at)
                .build();
    }
}
