package io.capmarket.sdk.internal;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.FulfilmentReporter;
import java.time.Instant;
import java.util.Map;

/** A report as the Avro {@link FulfilmentEvent} on the producer's fulfilment topic. */
public final class ReportCodec {

    private ReportCodec() {
    }

    /**
     * The event, carrying the reference's attempt, offer and revision. Every report published goes
     * through here, so this is where its message is cut to {@link FulfilmentReporter#MAX_MESSAGE_CHARS}.
     */
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
                .setMessage(capped(message))
                .setOutputs(outputs)
                .setRetryable(retryable)
                .setAt(at)
                .build();
    }

    /** {@code message} with at most the published characters: a longer one cut, ending in a marker naming its length. */
    private static String capped(String message) {
        if (message == null || message.length() <= FulfilmentReporter.MAX_MESSAGE_CHARS) {
            return message;
        }
        String marker = "… (cut from " + message.length() + " characters)";
        int keep = FulfilmentReporter.MAX_MESSAGE_CHARS - marker.length();
        if (Character.isHighSurrogate(message.charAt(keep - 1))) {
            keep--; // never half a character
        }
        return message.substring(0, keep) + marker;
    }

    /** The report in words, for logs and errors: {@code FULFILLED for request r-1 (attempt 1, revision 2)}. */
    public static String describe(AssignmentRef ref, FulfilmentKind kind) {
        return kind + " for request " + ref.requestId() + " (attempt " + ref.attempt()
                + (ref.revision() == 0 ? "" : ", revision " + ref.revision()) + ")";
    }
}
