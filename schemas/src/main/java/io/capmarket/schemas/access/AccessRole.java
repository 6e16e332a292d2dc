package io.capmarket.schemas.access;

/** What a Kafka principal is to capmarket; each role has its own ACLs in {@link AccessPolicy}. */
public enum AccessRole {
    /** The operator's super user: creates topics, credentials, ACLs and approvals. Needs no ACL. */
    ADMIN,
    /** The matching topology: reads every producer's and team's input, writes the platform's facts. */
    TOPOLOGY,
    /** The consumer gateway: writes {@code requests} for the teams it authenticated, reads statuses and the catalog. */
    GATEWAY,
    /** One producer team: writes under its own prefix, reads its assignments. */
    PRODUCER,
    /** One consumer team's bots on Kafka: write their team's requests topic, read statuses. */
    TEAM
}
