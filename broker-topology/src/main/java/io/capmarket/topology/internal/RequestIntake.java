package io.capmarket.topology.internal;

import io.capmarket.schemas.ApprovalDecision;
import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.Lifetimes;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.UpdateRequest;
import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.schemas.onboarding.ProducerNames;
import io.capmarket.schemas.runtime.WrittenKeys;
import io.capmarket.schemas.topics.TopicPattern;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.DecisionCommand;
import io.capmarket.schemas.topology.UpdateCommand;
import io.capmarket.topology.EngineEvents;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Takes submit, cancel, update and approval-decision commands (keyed by requestId) from the gateway's requests topic and
 * every team's own ({@code team.<team>.requests}), and routes them to the task owning the
 * request's capability.
 *
 * <p>On a team's topic the team is the one the topic names (Kafka's ACLs let only that team's
 * bots write there): a submit for another {@code consumerTeam} is refused, and so is a cancel or
 * update of another team's request, and every approval decision (only the gateway knows, and
 * names, the approver). The gateway's topic carries commands for the team the gateway
 * authenticated, and is taken as it is.
 *
 * <p>A requestId submitted on a team's topic starts with the team's name and a dot
 * ({@code payments.7f3c...}). Another team's request cannot be shadowed by a submit under its
 * requestId on a partition whose intake has not seen it (each intake task remembers only its own
 * partition's requests, and a writer chooses the partition): team names have no dot, and the
 * gateway's requestIds are UUIDs, which have none either. Requests of one team with the same
 * requestId can still collide, at that team's own cost.
 *
 * <p>A command on the partition of its capability's owner (see {@code CapabilityPartitions}) goes
 * straight to the engine of this task, which keeps the request: its state is then where a
 * cancellation on the same partition finds it. A command elsewhere passes the capability-events
 * topic; for those, this task remembers each request's capability and team
 * ({@code capability/team}), since a cancellation carries neither. Either way a second submit with
 * a known requestId is a duplicate, whatever it names. An entry written before teams were
 * recorded holds the capability alone; such a request can be cancelled only through the gateway.
 */
final class RequestIntake {

    /** Between the team's name and the rest of a requestId submitted on the team's own topic. */
    static final String TEAM_REQUEST_ID_SEPARATOR = ".";

    private final Serializer<RequestCommand> commandSerializer;
    private final Clock clock;
    private final EngineEvents events;
    private final PriorityGrants grants;
    private final int ownerPartitions;
    private ProcessorContext<String, IntakeOutput> context;
    private KeyValueStore<String, String> capabilityByRequest;
    /** The ids {@link #capabilityByRequest} holds: a new request's duplicate check skips the store. */
    private WrittenKeys indexed;
    private KeyValueStore<String, RequestStatus> ownedRequests;

    RequestIntake(TopicPattern<String, RequestCommand> family, Clock clock, EngineEvents events, PriorityGrants grants,
            int ownerPartitions) {
        this.ownerPartitions = ownerPartitions;
        this.commandSerializer = family.valueSerde().serializer();
        this.clock = clock;
        this.events = events;
        this.grants = grants;
    }

    /** Binds to the task {@code context} runs, as {@link Intake#init} does. */
    void init(ProcessorContext<String, IntakeOutput> context) {
        this.context = context;
        this.capabilityByRequest = context.getStateStore(TopologyNames.REQUEST_INDEX_STORE);
        this.indexed = WrittenKeys.ofRequestStore(TopologyNames.REQUEST_INDEX_STORE, context.taskId(),
                () -> events.writtenKeysFull(TopologyNames.REQUEST_INDEX_STORE));
        try (KeyValueIterator<String, String> all = capabilityByRequest.all()) {
            all.forEachRemaining(entry -> indexed.add(entry.key));
        }
        this.ownedRequests = context.getStateStore(TopologyNames.REQUEST_STORE);
    }

    /** Takes one record of the family read from {@code topic}, whose name says it was written by {@code team}. */
    void process(Record<String, RequestCommand> record, String topic, Optional<String> team) {
        if (record.value() == null) {
            events.ignored("empty command");
            return;
        }
        Object command = record.value().getCommand();
        if (command instanceof SubmitRequest submit) {
            submit(record, submit, topic, team);
        } else if (command instanceof CancelRequest cancel) {
            IndexEntry entry = locate(record, cancel.getRequestId(), "cancel", topic, team);
            if (entry != null) {
                IntakeOutput.route(context, record, entry.capability(), new CapabilityEvent(new CancelCommand(cancel.getRequestId(),
                        entry.capability(), requester(cancel.getRequestedBy(), team), cancel.getAt(), cancel.getReason())),
                        ownerPartitions);
            }
        } else if (command instanceof ApprovalDecision decision) {
            if (team.isPresent()) {
                refuse(record, EngineEvents.IDENTITY, "approval decision on request " + decision.getRequestId() + " on team "
                        + team.get() + "'s topic " + topic + ": approvals are decided through the gateway only, which names the "
                        + "approver it authenticated");
                return;
            }
            IndexEntry entry = locate(record, decision.getRequestId(), "decision", topic, team);
            if (entry != null) {
                IntakeOutput.route(context, record, entry.capability(), new CapabilityEvent(new DecisionCommand(decision,
                        entry.capability())), ownerPartitions);
            }
        } else if (command instanceof UpdateRequest update) {
            IndexEntry entry = locate(record, update.getRequestId(), "update", topic, team);
            if (entry != null) {
                Requester by = requester(update.getRequestedBy(), team);
                UpdateRequest asked = by == update.getRequestedBy() ? update : UpdateRequest.newBuilder(update).setRequestedBy(by).build();
                IntakeOutput.route(context, record, entry.capability(), new CapabilityEvent(new UpdateCommand(asked,
                        entry.capability())), ownerPartitions);
            }
        }
    }

    private void submit(Record<String, RequestCommand> record, SubmitRequest submit, String topic, Optional<String> team) {
        String requestId = submit.getRequestId();
        if (team.isPresent() && !team.get().equals(submit.getConsumerTeam())) {
            refuse(record, EngineEvents.IDENTITY, "submit of request " + requestId + " on team " + team.get() + "'s topic "
                    + topic + " claims consumerTeam " + submit.getConsumerTeam() + ": a team's bots submit only for their team");
            return;
        }
        if (team.isPresent() && !requestId.startsWith(team.get() + TEAM_REQUEST_ID_SEPARATOR)) {
            refuse(record, EngineEvents.IDENTITY, "submit of request " + requestId + " on team " + team.get() + "'s topic "
                    + topic + ": a requestId submitted on a team's topic must start with '" + team.get()
                    + TEAM_REQUEST_ID_SEPARATOR + "', so that it cannot be another team's or the gateway's");
            return;
        }
        if (!requestId.equals(record.key())) {
            refuse(record, EngineEvents.REFUSED, "record key " + record.key() + " differs from requestId " + requestId);
            return;
        }
        if (team.isPresent() && !grants.allows(team.get(), submit.getPriority())) {
            refuse(record, EngineEvents.REFUSED, "submit of request " + requestId + " on team " + team.get() + "'s topic " + topic
                    + " asks for priority " + submit.getPriority() + ", which is not granted to team " + team.get()
                    + " (priority.grants): submit it at NORMAL, or have the platform grant it");
            return;
        }
        if (!ProducerNames.isKebabCase(submit.getCapability())) {
            refuse(record, EngineEvents.REFUSED, "capability must be kebab-case, but was '" + submit.getCapability() + "'");
            return;
        }
        Optional<String> ttl = Lifetimes.refusal("ttlMs", submit.getTtlMs());
        if (ttl.isPresent()) {
            refuse(record, EngineEvents.REFUSED, "submit of request " + requestId + ": " + ttl.get());
            return;
        }
        boolean owned = IntakeOutput.owns(context, submit.getCapability(), ownerPartitions);
        // a retried submit: the first one stands, this one is not matched again (the engine also
        // ignores a requestId it keeps; a submit passing capability-events is checked here against both)
        if (indexEntry(requestId) != null || !owned && ownedRequests.get(requestId) != null) {
            events.ignored("duplicate submit");
            return;
        }
        if (!owned) {
            indexed.add(requestId);
            capabilityByRequest.put(requestId, new IndexEntry(submit.getCapability(), submit.getConsumerTeam()).encode());
        }
        Requester by = requester(submit.getRequestedBy(), team);
        SubmitRequest asked = by == submit.getRequestedBy() ? submit : SubmitRequest.newBuilder(submit).setRequestedBy(by).build();
        // an entry kept here goes with its request: the owner learns whose it is from the mark (IntakeEntries)
        Record<String, RequestCommand> routed = owned ? record
                : record.withHeaders(IntakeEntries.marked(record.headers(), context.taskId().partition()));
        IntakeOutput.route(context, routed, submit.getCapability(), new CapabilityEvent(asked), ownerPartitions);
    }

    /**
     * Who asked, as recorded: on the gateway's topic as the gateway wrote it (from the token it
     * verified); on a team's topic always a bot of the team, whatever kind the record claims, since
     * Kafka's ACLs authenticate the team's bots, never a person: its name is the bot's own label.
     */
    private static Requester requester(Requester claimed, Optional<String> team) {
        return team.isEmpty() || claimed.getKind() == RequesterKind.BOT ? claimed : new Requester(RequesterKind.BOT, claimed.getName());
    }

    /**
     * The capability and team of a known request that a cancel or update ({@code verb}) names, or
     * null when the command is refused: the request is unknown, or on a team's topic it is another
     * team's (or its team is not recorded).
     */
    private IndexEntry locate(Record<String, RequestCommand> record, String requestId, String verb, String topic,
            Optional<String> team) {
        IndexEntry entry = IndexEntry.decode(indexEntry(requestId));
        if (entry == null) {
            RequestStatus owned = ownedRequests.get(requestId);
            entry = owned == null ? null : new IndexEntry(owned.getCapability(), owned.getConsumerTeam());
        }
        if (entry == null) {
            refuse(record, EngineEvents.REFUSED, verb + " for unknown request " + requestId);
            return null;
        }
        if (team.isPresent()) {
            String owner = entry.owner();
            if (owner == null) {
                refuse(record, EngineEvents.IDENTITY, verb + " of request " + requestId + " on team " + team.get()
                        + "'s topic " + topic + ": the request's team is not recorded (it predates team topics); "
                        + verb + " it through the gateway");
                return null;
            }
            if (!owner.equals(team.get())) {
                refuse(record, EngineEvents.IDENTITY, verb + " of request " + requestId + " on team " + team.get()
                        + "'s topic " + topic + ": the request belongs to team " + owner + ", a team " + verb + "s only its own");
                return null;
            }
        }
        return entry;
    }

    /** The index entry of {@code requestId}, as stored, or null. */
    private String indexEntry(String requestId) {
        return indexed.mayHold(requestId) ? capabilityByRequest.get(requestId) : null;
    }

    private void refuse(Record<String, RequestCommand> record, String kind, String reason) {
        events.deadLettered(kind);
        IntakeOutput.refuse(context, record, commandSerializer, reason, clock.instant());
    }
}
