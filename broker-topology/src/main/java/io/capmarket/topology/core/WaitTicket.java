package io.capmarket.topology.core;

import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * A request's place on its capability's waitlist, which is kept by priority (highest first), then
 * age (oldest first), then requestId; within a priority the teams take turns ({@link FairShare}).
 *
 * @param capability the waitlist
 * @param priority the request's priority
 * @param submittedAt when the request was submitted
 * @param requestId the request
 * @param team the team the request is for; empty when not known (a ticket of an earlier version)
 */
public record WaitTicket(String capability, Priority priority, Instant submittedAt, String requestId, String team) {

    public WaitTicket {
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(submittedAt, "submittedAt");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(team, "team");
    }

    /** A ticket whose team is not known. */
    public WaitTicket(String capability, Priority priority, Instant submittedAt, String requestId) {
        this(capability, priority, submittedAt, requestId, "");
    }

    /** The ticket of a request, from its status. */
    public static WaitTicket of(RequestStatus status) {
        return new WaitTicket(status.getCapability(), status.getPriority(), status.getSubmittedAt(), status.getRequestId(),
                status.getConsumerTeam());
    }
}
