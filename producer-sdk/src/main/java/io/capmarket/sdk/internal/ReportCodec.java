package io.capmarket.sdk.internal;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.AssignmentRef;
import java.time.Instant;
import java.util.Map;

/** A report as the Avro {@link FulfilmentEvent} on the producer's fulfilment topic. */
public final class ReportCodec {

    private ReportCodec() {
    }

    /** The event, carrying the reference's attempt, offer and revision. */
    public static FulfilmentEvent toAvro(AssignmentRef ref, String producerId, FulfilmentKind kind, String message,
            Map<String, String> outputs, boolean retryable, Instant at) {
        return FulfilmentEvent.newBuilder()
                .setRequestId(ref.requestId())
                .setOfferId(ref.offerId())
                .setProducerId(producerId)
                .setCapability(ref.capability())
                .setAttempt(ref.attempt())
                .setRevision(ref.revision())
                .setKind(kind)
                .setMessage(message)
                .setOutputs(outputs)
                .setRetryable(retryable)
                .setAt(at)
                .build();
    }

    /** The report in words, for logs and errors: {@code FULFILLED for request r-1 (attempt 1, revision 2)}. */
    public static String describe(AssignmentRef ref, FulfilmentKind kind) {
        return kind + " for request " + ref.requestId() + " (attempt " + ref.attempt()
                + (ref.revision() == 0 ? "" : ", revision " + ref.revision()) + ")";
    }
}
