package io.capmarket.schemas.access;

import java.util.Objects;
import java.util.Optional;

/**
 * A Kafka principal capmarket knows: its role, its SCRAM user name and, for a producer or team,
 * whom it acts for. Obtain one from {@link AccessPolicy}.
 *
 * @param role what the principal is
 * @param user the SCRAM user name ({@code producer.db-team}, {@code team.payments}, {@code capmarket-topology}...)
 * @param owner the producer id or team it acts for; empty for the platform's principals
 */
public record Principal(AccessRole role, String user, Optional<String> owner) {

    public Principal {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(owner, "owner");
    }

    /** The principal as Kafka's ACLs name it: {@code User:<user>}. */
    public String kafkaPrincipal() {
        return "User:" + user;
    }

    @Override
    public String toString() {
        return kafkaPrincipal();
    }
}
