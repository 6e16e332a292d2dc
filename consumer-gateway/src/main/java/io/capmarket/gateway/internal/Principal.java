package io.capmarket.gateway.internal;

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
        /** Everything, for every team. */
        ADMIN
    }

    public boolean admin() {
        return role == Role.ADMIN;
    }

    /** Whether this caller may see a request of {@code requestTeam}. */
    public boolean sees(String requestTeam) {
        return admin() || team.equals(requestTeam);
    }
}
