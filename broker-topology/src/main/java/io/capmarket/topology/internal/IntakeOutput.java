package io.capmarket.topology.internal;

import io.capmarket.schemas.topology.CapabilityEvent;

/** What an intake processor emits: an event routed to its capability's owner, or a refusal. */
sealed interface IntakeOutput {

    /** An event for the task owning {@code capability} (the record key). */
    record Routed(CapabilityEvent event) implements IntakeOutput {
    }

    /** A refused record for the dead-letter topic. */
    record Refused(DeadLetter letter) implements IntakeOutput {
    }
}
