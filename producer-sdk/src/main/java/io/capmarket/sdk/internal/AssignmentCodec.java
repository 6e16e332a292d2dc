package io.capmarket.sdk.internal;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.sdk.Assignment;
import java.time.Duration;

/** The Avro assignment as the SDK's value. */
public final class AssignmentCodec {

    private AssignmentCodec() {
    }

    /** @throws IllegalArgumentException when the record breaks the rules of {@link Assignment} */
    public static Assignment fromAvro(io.capmarket.schemas.Assignment a) {
        return new Assignment(a.getRequestId(), a.getOfferId(), a.getCapability(), a.getCapabilityVersion(), a.getConsumerTeam(),
                Math.max(1, a.getAttempt()), a.getParameters(), a.getAssignedAt(), a.getAcceptDeadline(),
                Duration.ofMillis(a.getLeadTimeSloMs()), a.getAction(), a.getRevision(),
                a.getAction() == AssignmentAction.UPDATE ? a.getPreviousParameters() : null);
    }
}
