package io.capmarket.topology.internal;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.schemas.topology.IndexForget;

/** What the capability engine emits; the record key says for which request or capability. */
sealed interface EngineOutput {

    /** A request's new status, keyed by requestId; null deletes it (a tombstone). */
    record Status(RequestStatus status) implements EngineOutput {
    }

    /** An instruction to a producer, keyed by requestId, for the producer's own topic. */
    record Instruction(Assignment assignment) implements EngineOutput {
    }

    /** A catalog entry, keyed by capability; null removes the entry. */
    record Catalog(CapabilityView view) implements EngineOutput {
    }

    /** A scorecard, keyed by capability. */
    record Score(CapabilityScore score) implements EngineOutput {
    }

    /** What a team holds of a capability, keyed by {@code <team>/<capability>}. */
    record Usage(TeamUsage usage) implements EngineOutput {
    }

    /** An index entry another task's intake holds, to forget ({@link IntakeEntries}), for capability-events. */
    record Forget(IndexForget forget) implements EngineOutput {
    }

    /** A record that was recorded but not applied, for the dead-letter topic. */
    record Refused(DeadLetter letter) implements EngineOutput {
    }
}
