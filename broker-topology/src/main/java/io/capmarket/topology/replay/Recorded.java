package io.capmarket.topology.replay;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.DecisionCommand;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.schemas.topology.UpdateCommand;
import java.time.Instant;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One fact of the marketplace's log that a {@link Replay} feeds the desk, at the time the log
 * recorded it, attributed as the topology attributes it: an offer or report to the producer whose
 * topic carried it, a submit to the team whose topic carried it (or to the team the gateway
 * authenticated).
 */
public sealed interface Recorded {

    /** When the log recorded the fact (its record's timestamp). */
    Instant at();

    /** An offer published or changed, or withdrawn ({@code change.getOffer() == null}), on its producer's offers topic. */
    record OfferChanged(Instant at, String capability, OfferChange change) implements Recorded {
        public OfferChanged {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(capability, "capability");
            Objects.requireNonNull(change, "change");
        }
    }

    /** A producer's sign of life, as the liveness topic carries it. */
    record Heartbeat(Instant at, String producerId, ProducerHeartbeat heartbeat) implements Recorded {
        public Heartbeat {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(producerId, "producerId");
            Objects.requireNonNull(heartbeat, "heartbeat");
        }
    }

    /** A producer approved for capabilities, or its approval revoked ({@code approval == null}). */
    record Approval(Instant at, String producerId, ProducerApproval approval) implements Recorded {
        public Approval {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(producerId, "producerId");
        }
    }

    /** A capability version's approval policy set, or removed ({@code policy == null}). */
    record Policy(Instant at, String capability, int version, ApprovalPolicy policy) implements Recorded {
        public Policy {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(capability, "capability");
        }
    }

    /** A capability version's contract handed to a producer by the admins, or the handover removed ({@code producerId == null}). */
    record Handover(Instant at, String capability, int version, String producerId) implements Recorded {
        public Handover {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(capability, "capability");
        }
    }

    /** A team's quota on a capability set, or removed ({@code quota == null}). */
    record Quota(Instant at, String team, String capability, TeamQuota quota) implements Recorded {
        public Quota {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(team, "team");
            Objects.requireNonNull(capability, "capability");
        }
    }

    /**
     * A command on a request of {@code capability}, as the engine takes it: a {@link SubmitRequest},
     * {@link CancelCommand}, {@link UpdateCommand}, {@link DecisionCommand} or {@link FulfilmentEvent}.
     */
    record Command(Instant at, String capability, SpecificRecord event) implements Recorded {
        public Command {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(capability, "capability");
            if (!(event instanceof SubmitRequest || event instanceof CancelCommand || event instanceof UpdateCommand
                    || event instanceof DecisionCommand || event instanceof FulfilmentEvent)) {
                throw new IllegalArgumentException("event must be a SubmitRequest, CancelCommand, UpdateCommand, DecisionCommand "
                        + "or FulfilmentEvent, but was " + (event == null ? "null" : event.getClass().getSimpleName()));
            }
        }
    }

    /** A request's status as the topology recorded it: what was decided and how the request went. */
    record Outcome(Instant at, RequestStatus status) implements Recorded {
        public Outcome {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(status, "status");
        }
    }
}
