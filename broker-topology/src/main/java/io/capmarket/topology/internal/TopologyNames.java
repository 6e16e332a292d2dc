package io.capmarket.topology.internal;

/**
 * Every store, processor and repartition name of the topology, in one place. Renaming one
 * changes a changelog or repartition topic and loses or strands state: the names are pinned by
 * a test on {@code topology.describe()}, so a rename must be a conscious act.
 */
public final class TopologyNames {

    // sources: families of topics read by pattern (every producer's, every team's)
    public static final String INTAKE_SOURCE = "intake-source";
    public static final String HEARTBEATS_SOURCE = "heartbeats-source";

    // intake of offers, requests and fulfilment, partitioned like its input topics; takes the producer or team from the topic
    public static final String INTAKE = "intake";
    public static final String OFFER_INDEX_STORE = "offer-index";
    public static final String REQUEST_INDEX_STORE = "request-index";

    // heartbeats, attributed to the producer whose topic they came from, to the liveness table
    public static final String HEARTBEAT_RELAY = "heartbeat-relay";
    public static final String HEARTBEAT_RELAY_OUTPUT = "heartbeat-relay-output-";
    public static final String LIVENESS_SINK = "producer-liveness-sink";

    // the single writer per capability: what the intake read on the owner's partition, and what passed capability-events
    public static final String CAPABILITY_EVENTS_SINK = "capability-events-sink";
    public static final String CAPABILITY_EVENTS_SOURCE = "capability-events-source";
    public static final String ENGINE_INPUT = "capability-engine-input";
    public static final String ENGINE = "capability-engine";
    public static final String OFFER_STATE_STORE = "offer-state";
    /** The producer of every offer the engine forgot, so that its offerId stays that producer's. */
    public static final String OFFER_OWNER_STORE = "offer-owners";
    public static final String CONTRACT_STORE = "capability-contracts";
    public static final String REQUEST_STORE = "request-state";
    public static final String WAITLIST_STORE = "waitlist";
    public static final String SCORE_STORE = "scores";
    /** The engine's record of which intake tasks hold an index entry of a request it keeps ({@link IntakeEntries}). */
    public static final String INTAKE_ENTRY_STORE = "intake-entries";
    /** Where an index entry to forget goes: back over capability-events, to the task that holds it. */
    public static final String INDEX_FORGET_SINK = "capability-events-forget-sink";

    // read-only tables every task may read
    public static final String HEARTBEAT_STORE = "producer-heartbeats";
    public static final String APPROVAL_STORE = "producer-approvals";
    /** The global store of the admins' approval policies, by capability version. */
    public static final String APPROVAL_POLICY_STORE = "approval-policies";
    /** The global store of the admins' contract handovers, by capability version. */
    public static final String CONTRACT_OWNER_STORE = "contract-owners";
    /** The global store of the admins' quotas, by team and capability. */
    public static final String QUOTA_STORE = "quotas";

    // outputs
    public static final String INTAKE_OUTPUT = "intake-output-";
    public static final String ENGINE_OUTPUT = "engine-output-";
    public static final String DEAD_LETTER_SINK = "dead-letters-sink";
    public static final String STATUS_SINK = "request-status-sink";
    public static final String ASSIGNMENT_SINK = "assignments-sink";
    public static final String CATALOG_SINK = "catalog-sink";
    public static final String SCORECARD_SINK = "scorecard-sink";
    public static final String TEAM_USAGE_SINK = "team-usage-sink";

    private TopologyNames() {
    }
}
