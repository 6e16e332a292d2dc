package io.capmarket.topology.core;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.ParameterChanges;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.StatusTransition;
import io.capmarket.schemas.UpdateRequest;
import io.capmarket.schemas.topology.OfferState;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The desk's rules for a fulfilled request's resource ({@link ResourceLifecycle}): an update goes
 * to the producer holding the resource and comes back FULFILLED with the new parameters or the
 * old ones; a deprovision goes there too and ends the request, or is flagged an orphan; neither
 * is ever matched to another offer, and neither takes offer capacity. An unanswered operation is
 * sent again and given up on its deadline ({@link Day2Policy}).
 */
final class DeskResources {

    static final String UPDATE = "update";
    static final String DEPROVISION = "deprovision";
    static final String EXPIRY = "expiry";

    private final TopologySettings settings;
    private final EngineEvents events;
    private final DeskBooks books;
    private final DeskOutbox outbox;
    private final DeskLedger ledger;

    DeskResources(TopologySettings settings, EngineEvents events, DeskBooks books, DeskOutbox outbox, DeskLedger ledger) {
        this.settings = settings;
        this.events = events;
        this.books = books;
        this.outbox = outbox;
        this.ledger = ledger;
    }

    /**
     * An update of the request's resource, its parameters or its expiry or both: refused whole
     * with a note in the history when either does not apply ({@link ResourceLifecycle#updateRefusal},
     * {@link ApprovalLifecycle#updateRefusal}, {@link ResourceLifecycle#expiryRefusal}); else the expiry moves at once, and new parameters
     * make it UPDATING, the producer holding the resource told.
     */
    void update(RequestStatus status, UpdateRequest update, Instant now) {
        String capability = status.getCapability();
        String by = update.getRequestedBy().getName();
        boolean parametersChange = !ParameterChanges.sameJson(update.getParameters(), update.getBaseParameters());
        Instant expiresAt = update.getExpiresAt();
        if (!parametersChange && expiresAt == null) {
            events.ignored("update changing nothing");
            return;
        }
        Optional<String> refusal = parametersChange ? ResourceLifecycle.updateRefusal(status, update, updatableParameters(status))
                : Optional.empty();
        if (refusal.isEmpty() && parametersChange) {
            // an update is held to the admins' policy and to that of the offer holding the resource
            OfferState holder = status.getOfferId() == null ? null : books.offers(capability).get(status.getOfferId());
            refusal = ApprovalLifecycle.updateRefusal(status, update.getParameters(),
                    holder == null ? null : ApprovalLifecycle.ProducerPolicy.of(holder.getOffer()).orElse(null),
                    books.approvalPolicy(capability, status.getCapabilityVersion()), settings.day2().approvalExpiresAfter());
        }
        if (refusal.isEmpty() && expiresAt != null) {
            refusal = ResourceLifecycle.expiryRefusal(status, expiresAt, maxTtlMs(status), now);
        }
        if (refusal.isPresent()) {
            events.resourceOperation(capability, UPDATE, "refused");
            ledger.note(status, ResourceLifecycle.refusalNote(by, refusal.get()), now);
            return;
        }
        RequestStatus next = status;
        if (expiresAt != null) {
            next = ResourceLifecycle.expiryMoved(next, expiresAt, by, now);
            events.resourceOperation(capability, EXPIRY, "moved");
        }
        if (!parametersChange) {
            ledger.save(next);
            return;
        }
        RequestStatus updating = ResourceLifecycle.updating(next, update, now);
        ledger.save(updating);
        send(updating, now);
        events.resourceOperation(capability, UPDATE, "asked");
    }

    /**
     * A due check of a FULFILLED resource's expiry: announced when it comes within the notice,
     * deprovisioned when it has come (by then the check is for a status that still says so).
     */
    void expiryCheck(RequestStatus status, Deadline deadline, Instant now) {
        Instant expiresAt = status.getExpiresAt();
        if (status.getState() != RequestState.FULFILLED || expiresAt == null) {
            return;
        }
        if (deadline.kind() == Deadline.Kind.EXPIRY_NOTICE && !status.getExpiryAnnounced()) {
            ledger.save(ResourceLifecycle.expiryAnnounced(status, now));
            events.resourceOperation(status.getCapability(), EXPIRY, "announced");
        } else if (deadline.kind() == Deadline.Kind.EXPIRE && !expiresAt.isAfter(now)) {
            events.resourceOperation(status.getCapability(), EXPIRY, "expired");
            deprovision(status, "expired at " + expiresAt, now);
        }
    }

    /** The longest the request's offer lets its resources live, in milliseconds; null for no bound, or when the offer is gone. */
    Long maxTtlMs(RequestStatus status) {
        OfferState offer = books.offers(status.getCapability()).get(status.getOfferId());
        return offer == null ? null : offer.getOffer().getMaxTtlMs();
    }

    /**
     * The consumer gives a live resource back: the producer holding it deprovisions it (an update
     * going on is abandoned). A deprovision already going on is left as it is; an orphaned one is
     * asked again, as a deprovision of its own (a new revision, sent again, with its own deadline).
     */
    void deprovision(RequestStatus status, String detail, Instant now) {
        if (status.getState() == RequestState.DEPROVISIONING && !status.getOrphaned()) {
            events.ignored("deprovision already asked");
            return;
        }
        RequestStatus deprovisioning = ResourceLifecycle.deprovisioning(status, detail, now);
        ledger.save(deprovisioning);
        send(deprovisioning, now);
        events.resourceOperation(status.getCapability(), DEPROVISION, "asked");
    }

    /** A report of the producer on the operation going on, judged {@link Lifecycle.Verdict#APPLY}. */
    void report(RequestStatus status, FulfilmentEvent report, Instant now) {
        boolean updating = status.getState() == RequestState.UPDATING;
        String capability = status.getCapability();
        String operation = updating ? UPDATE : DEPROVISION;
        String message = report.getMessage() == null ? "no message" : report.getMessage();
        switch (report.getKind()) {
            case ACCEPTED -> ledger.note(status, operation + " accepted by " + status.getProducerId(), now);
            case PROGRESS -> ledger.note(status, message, now);
            case FULFILLED -> {
                Duration took = Duration.between(ResourceLifecycle.operationEntries(status).get(0).getAt(), now);
                if (updating) {
                    ledger.save(ResourceLifecycle.updated(status, report.getOutputs(), report.getMessage(), now));
                    ledger.score(capability, status.getProducerId(), s -> s.updated(now, took));
                } else {
                    ledger.save(ResourceLifecycle.deprovisioned(status, report.getMessage(), now));
                    ledger.resourceGone(status);
                    ledger.score(capability, status.getProducerId(), s -> s.deprovisioned(now, took));
                }
                events.resourceOperation(capability, operation, "done");
            }
            case REJECTED, FAILED -> {
                String detail = (report.getKind() == FulfilmentKind.REJECTED ? "rejected by " : "failed at ")
                        + status.getProducerId() + ": " + message;
                if (updating) {
                    updateFailed(status, detail, now);
                } else if (report.getKind() == FulfilmentKind.FAILED && report.getRetryable()) {
                    // noted: the next send follows after a wait (Deadline#next)
                    ledger.note(status, detail + " (retryable)", now);
                } else if (status.getOrphaned()) {
                    // a late answer of a deprovision already orphaned: one orphan, flagged and counted once
                    ledger.note(status, detail, now);
                } else {
                    orphaned(status, detail, now);
                }
            }
            default -> throw new IllegalStateException("unhandled fulfilment kind " + report.getKind());
        }
    }

    /** A due check of the operation going on: it is sent again, or given up. */
    void check(RequestStatus status, Deadline deadline, Instant now) {
        boolean updating = status.getState() == RequestState.UPDATING;
        String operation = updating ? UPDATE : DEPROVISION;
        if (deadline.kind() == Deadline.Kind.RESEND) {
            List<StatusTransition> exchanges = ResourceLifecycle.exchanges(status);
            ledger.note(status, operation + " sent to " + status.getProducerId()
                    + " again: no answer since " + exchanges.get(exchanges.size() - 1).getAt(), now);
            send(status, now);
            events.resourceOperation(status.getCapability(), operation, "resent");
            return;
        }
        String detail = "not done by " + status.getProducerId() + " within " + settings.day2().deadline().toMillis() + " ms";
        if (updating) {
            ledger.instruct(status, AssignmentAction.CANCEL, now, now);
            updateFailed(status, detail, now);
        } else {
            orphaned(status, detail, now);
        }
    }

    private void updateFailed(RequestStatus status, String detail, Instant now) {
        ledger.save(ResourceLifecycle.updateFailed(status, detail, now));
        ledger.score(status.getCapability(), status.getProducerId(), s -> s.updateFailed(now));
        events.resourceOperation(status.getCapability(), UPDATE, "failed");
    }

    private void orphaned(RequestStatus status, String detail, Instant now) {
        ledger.save(ResourceLifecycle.orphaned(status, detail, now));
        ledger.score(status.getCapability(), status.getProducerId(), s -> s.orphaned(now));
        events.resourceOperation(status.getCapability(), DEPROVISION, "orphaned");
    }

    /** Sends the producer holding the resource the operation going on. */
    private void send(RequestStatus status, Instant now) {
        boolean updating = status.getState() == RequestState.UPDATING;
        Assignment assignment = DeskLedger.assignment(status, updating ? AssignmentAction.UPDATE : AssignmentAction.DEPROVISION,
                now.plus(settings.day2().deadline()), ledger.promiseOf(status), now);
        if (updating) {
            assignment.setParameters(status.getPendingParameters());
            assignment.setPreviousParameters(status.getParameters());
        }
        outbox.assignment(assignment);
    }

    /** The top-level parameters the request's offer declares updatable; none when the offer is gone. */
    private List<String> updatableParameters(RequestStatus status) {
        OfferState offer = books.offers(status.getCapability()).get(status.getOfferId());
        return offer == null ? List.of() : offer.getOffer().getUpdatableParameters();
    }
}
