package io.capmarket.schemas;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The top-level event schemas of capmarket: the value type of every topic. Their compatibility
 * with the released snapshot is checked in the build; nested types are checked through them.
 */
public final class EventSchemas {

    private static final List<Schema> ALL = List.of(
            CapabilityOffer.getClassSchema(),
            ProducerHeartbeat.getClassSchema(),
            RequestCommand.getClassSchema(),
            Assignment.getClassSchema(),
            FulfilmentEvent.getClassSchema(),
            RequestStatus.getClassSchema(),
            CapabilityView.getClassSchema(),
            CapabilityScore.getClassSchema(),
            ProducerApproval.getClassSchema());

    private EventSchemas() {
    }

    /** Every top-level event schema, in the order the architecture lists them. */
    public static List<Schema> all() {
        return ALL;
    }
}
