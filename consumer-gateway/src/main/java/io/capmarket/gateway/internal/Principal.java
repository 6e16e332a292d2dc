package io.capmarket.gateway.internal;

import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who a bearer token belongs to.
 *
 * @param team the team the caller acts for
 * @param role what the caller may do
 * @param name the person or bot, recorded as {@code requestedBy}
 * @param bot whether the caller is an automation bot
 */
public record Principal(String team, Role role, String name, boolean bot) {

    /** What a token may do. */
    public enum Role {
        /** Browses the catalog; submits, reads and cancels its team's requests. */
        CONSUMER,
        /** Browses the catalog and the scorecard. */
        PRODUCER,
        /**
         * A consumer's rights for its team, and deciding the approvals whose approvers name
         * {@code role:approver} or {@code team:<its team>}.
         */
        APPROVER,
        /** Everything, for every team. */
        ADMIN;

        /** The role as token files, JWT claims and approver entries ({@code role:<role>}) spell it: lower case. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Every role's {@link #label()}, in declaration order. */
        public static List<String> labels() {
            return Arrays.stream(values()).map(Role::label).toList();
        }
    }

    /** The roles that submit, read, list and cancel their team's requests: every one but a producer (a new array each call). */
    public static Role[] requesters() {
        return new Role[] {Role.CONSUMER, Role.APPROVER, Role.ADMIN};
    }

    public boolean admin() {
        return role == Role.ADMIN;
    }

    /** Whether this caller acts on its team's requests (a consumer, an approver or an admin), not a producer. */
    public boolean requester() {
        return role != Role.PRODUCER;
    }

    /** Whether this caller may see every request of {@code requestTeam}: its own team's (an admin: every team's). */
    public boolean sees(String requestTeam) {
        return admin() || requester() && team.equals(requestTeam);
    }

    /** Whether this caller may see the request: one of its team's, or one whose open approval it may decide. */
    public boolean sees(RequestStatus status) {
        return sees(status.getConsumerTeam()) || Approvals.decides(this, status);
    }

    /** As {@link #sees(RequestStatus)}, for a view. */
    public boolean sees(RequestView view) {
        return sees(view.team()) || Approvals.decides(this, view);
    }

    /** This caller as a command names who asked for it. */
    public Requester asRequester() {
        return new Requester(requesterKind(), name);
    }

    /** What kind of requester this caller is: a bot or a person. */
    public RequesterKind requesterKind() {
        return bot ? RequesterKind.BOT : RequesterKind.HUMAN;
    }
}
