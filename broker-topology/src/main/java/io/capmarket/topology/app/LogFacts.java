package io.capmarket.topology.app;

import static io.capmarket.topology.app.RecordedLogReader.COMMAND_OF_ANOTHER_TEAM;
import static io.capmarket.topology.app.RecordedLogReader.COMMAND_OUTSIDE_WINDOW;
import static io.capmarket.topology.app.RecordedLogReader.DECISION_ON_TEAM_TOPIC;
import static io.capmarket.topology.app.RecordedLogReader.DUPLICATE_SUBMIT;
import static io.capmarket.topology.app.RecordedLogReader.MALFORMED_KEY;
import static io.capmarket.topology.app.RecordedLogReader.NO_VALUE;
import static io.capmarket.topology.app.RecordedLogReader.REPORT_OF_ANOTHER_PRODUCER;
import static io.capmarket.topology.app.RecordedLogReader.REPORT_OUTSIDE_WINDOW;
import static io.capmarket.topology.app.RecordedLogReader.SUBMIT_BAD_CAPABILITY;
import static io.capmarket.topology.app.RecordedLogReader.SUBMIT_FOR_ANOTHER_TEAM;
import static io.capmarket.topology.app.RecordedLogReader.SUBMIT_KEY_MISMATCH;
import static io.capmarket.topology.app.RecordedLogReader.SUBMIT_OUTSIDE_TEAM_IDS;
import static io.capmarket.topology.app.RecordedLogReader.WITHDRAWAL_OF_UNKNOWN_OFFER;

import io.capmarket.schemas.ApprovalDecision;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.ContractOwnerSetting;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.UpdateRequest;
import io.capmarket.schemas.onboarding.ProducerNames;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.DecisionCommand;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.schemas.topology.UpdateCommand;
import io.capmarket.topology.replay.Recorded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The facts of what {@link RecordedLogReader} read, attributed and ordered as the topology takes
 * them: the state topics folded to what stood before the window, then their changes; each
 * producer's offers and reports attributed to it; the requests topics' commands checked as
 * {@code RequestIntake} checks them; and the latest status of each request submitted in the
 * window. What it may not take it counts, by reason (the reader's constants).
 */
final class LogFacts {

    /** The log's sources, in the order their facts are taken when recorded at the same instant. */
    enum Source {
        PRODUCERS(true), APPROVAL_POLICIES(true), CONTRACT_OWNERS(true), QUOTAS(true), OFFERS(true), LIVENESS(true), REQUESTS(false),
        FULFILMENT(false), REQUEST_STATUS(false);

        /** Read from the topic's beginning, folding what came before the window into state. */
        final boolean state;

        Source(boolean state) {
            this.state = state;
        }
    }

    /** One decoded record: its timestamp, key and value (null for a tombstone). */
    record Entry(Instant at, String key, Object value) {
    }

    /** What is read of one partition. */
    static final class PartitionLog {
        final Source source;
        final String topic;
        final Optional<String> owner;
        final Deserializer<String> keys;
        final Deserializer<?> values;
        long end;
        /** Records in the window, in offset order. */
        final List<Entry> window = new ArrayList<>();
        /**
         * The latest record (by offset) of each key: before the window, for state sources; from the
         * window's start on, of each request submitted in the window, for {@link Source#REQUEST_STATUS}.
         */
        final Map<String, Entry> latest = new HashMap<>();

        PartitionLog(Source source, String topic, Optional<String> owner, Deserializer<String> keys, Deserializer<?> values) {
            this.source = source;
            this.topic = topic;
            this.owner = owner;
            this.keys = keys;
            this.values = values;
        }
    }

    /** A request submitted in the window: where cancels, updates, decisions and reports find it. */
    private record Submitted(String capability, String team) {
    }

    private static final String SEPARATOR = "/";

    private final Map<String, Integer> skipped = new HashMap<>();

    /** Counts one record left out, for {@code reason}. */
    void skip(String reason) {
        skipped.merge(reason, 1, Integer::sum);
    }

    /** The records left out so far, by reason. */
    Map<String, Integer> skipped() {
        return skipped;
    }


    /** The facts of every source, each source in read order, then all ordered by time (stably). */
    List<Recorded> facts(List<PartitionLog> logs) {
        Map<Source, Map<String, List<PartitionLog>>> bySource = new EnumMap<>(Source.class);
        logs.forEach(log -> bySource.computeIfAbsent(log.source, s -> new LinkedHashMap<>())
                .computeIfAbsent(log.topic, t -> new ArrayList<>()).add(log));
        List<Recorded> facts = new ArrayList<>();
        Map<String, Submitted> submitted = new HashMap<>();
        bySource.forEach((source, byTopic) -> {
            switch (source) {
                case PRODUCERS -> byTopic.values().forEach(topic -> state(topic, facts, this::approval));
                case APPROVAL_POLICIES -> byTopic.values().forEach(topic -> state(topic, facts, this::policy));
                case CONTRACT_OWNERS -> byTopic.values().forEach(topic -> state(topic, facts, this::handover));
                case QUOTAS -> byTopic.values().forEach(topic -> state(topic, facts, this::quota));
                case OFFERS -> byTopic.values().forEach(topic -> offers(topic, facts));
                case LIVENESS -> byTopic.values().forEach(topic -> state(topic, facts, this::heartbeat));
                case REQUESTS -> requests(List.copyOf(byTopic.values()), submitted, facts);
                case FULFILMENT -> byTopic.values().forEach(topic -> reports(topic, submitted, facts));
                case REQUEST_STATUS -> byTopic.values().forEach(topic -> outcomes(topic, facts));
            }
        });
        facts.sort(Comparator.comparing(Recorded::at));
        return facts;
    }

    /**
     * The facts of a state topic: the latest record of each key before the window (by time; at the
     * same time, the later partition's), removals dropped, by key; then every record in the window.
     */
    private void state(List<PartitionLog> partitions, List<Recorded> facts, Function<Entry, Recorded> fact) {
        for (Entry entry : folded(partitions).values()) {
            if (entry.value() != null) {
                Optional.ofNullable(fact.apply(entry)).ifPresent(facts::add);
            }
        }
        for (Entry entry : window(partitions)) {
            Optional.ofNullable(fact.apply(entry)).ifPresent(facts::add);
        }
    }

    /** The latest record of each key of a topic: by offset within a partition; across partitions by time, then partition. */
    private static TreeMap<String, Entry> folded(List<PartitionLog> partitions) {
        TreeMap<String, Entry> latest = new TreeMap<>();
        for (PartitionLog partition : partitions) {
            partition.latest.forEach((key, entry) -> latest.merge(key, entry, (old, next) -> next.at().isBefore(old.at()) ? old : next));
        }
        return latest;
    }

    /** The topic's records in the window, by time; at the same time, in partition then offset order. */
    private static List<Entry> window(List<PartitionLog> partitions) {
        List<Entry> entries = new ArrayList<>();
        partitions.forEach(partition -> entries.addAll(partition.window));
        entries.sort(Comparator.comparing(Entry::at));
        return entries;
    }

    private Recorded approval(Entry entry) {
        return new Recorded.Approval(entry.at(), entry.key(), (ProducerApproval) entry.value());
    }

    private Recorded policy(Entry entry) {
        ApprovalPolicySetting setting = (ApprovalPolicySetting) entry.value();
        return versioned(entry, (capability, version) ->
                new Recorded.Policy(entry.at(), capability, version, setting == null ? null : setting.getPolicy()));
    }

    private Recorded handover(Entry entry) {
        ContractOwnerSetting setting = (ContractOwnerSetting) entry.value();
        return versioned(entry, (capability, version) ->
                new Recorded.Handover(entry.at(), capability, version, setting == null ? null : setting.getProducerId()));
    }

    /** The fact of a setting keyed {@code <capability>/<version>}, or null (counted) when its key has no version. */
    private Recorded versioned(Entry entry, VersionedFact fact) {
        int slash = entry.key().lastIndexOf(SEPARATOR);
        int version;
        try {
            version = slash > 0 ? Integer.parseInt(entry.key().substring(slash + 1)) : -1;
        } catch (NumberFormatException e) {
            version = -1;
        }
        if (version < 0) {
            skip(MALFORMED_KEY);
            return null;
        }
        return fact.of(entry.key().substring(0, slash), version);
    }

    /** A setting's fact from its capability and version. */
    private interface VersionedFact {
        Recorded of(String capability, int version);
    }

    private Recorded quota(Entry entry) {
        int slash = entry.key().indexOf(SEPARATOR);
        if (slash <= 0 || slash == entry.key().length() - 1) {
            skip(MALFORMED_KEY);
            return null;
        }
        return new Recorded.Quota(entry.at(), entry.key().substring(0, slash), entry.key().substring(slash + 1),
                (TeamQuota) entry.value());
    }

    private Recorded heartbeat(Entry entry) {
        if (entry.value() == null) {
            skip(NO_VALUE);
            return null;
        }
        return new Recorded.Heartbeat(entry.at(), entry.key(), (ProducerHeartbeat) entry.value());
    }

    /**
     * The facts of one producer's offers topic. Its offers standing before the window open it; in
     * the window, a withdrawal names the capability its offer was last seen on, and an offer moved
     * to another capability is withdrawn from the old one first.
     */
    private void offers(List<PartitionLog> partitions, List<Recorded> facts) {
        String producerId = partitions.get(0).owner.orElseThrow();
        Map<String, String> capabilityByOffer = new HashMap<>();
        for (Entry entry : folded(partitions).values()) {
            if (entry.value() instanceof CapabilityOffer offer) {
                capabilityByOffer.put(entry.key(), offer.getCapability());
                facts.add(new Recorded.OfferChanged(entry.at(), offer.getCapability(), new OfferChange(entry.key(), offer, producerId)));
            }
        }
        for (Entry entry : window(partitions)) {
            String offerId = entry.key();
            String previous = capabilityByOffer.get(offerId);
            if (!(entry.value() instanceof CapabilityOffer offer)) {
                if (previous == null) {
                    skip(WITHDRAWAL_OF_UNKNOWN_OFFER);
                } else {
                    capabilityByOffer.remove(offerId);
                    facts.add(new Recorded.OfferChanged(entry.at(), previous, new OfferChange(offerId, null, producerId)));
                }
                continue;
            }
            if (previous != null && !previous.equals(offer.getCapability())) {
                facts.add(new Recorded.OfferChanged(entry.at(), previous, new OfferChange(offerId, null, producerId)));
            }
            capabilityByOffer.put(offerId, offer.getCapability());
            facts.add(new Recorded.OfferChanged(entry.at(), offer.getCapability(), new OfferChange(offerId, offer, producerId)));
        }
    }

    /**
     * The commands of the gateway's and the teams' requests topics in the window, taken in time
     * order (at the same time, in topic then partition order) as {@code RequestIntake} takes them.
     */
    private void requests(List<List<PartitionLog>> requestTopics, Map<String, Submitted> submitted, List<Recorded> facts) {
        record Command(Entry entry, Optional<String> team) {
        }
        List<Command> commands = new ArrayList<>();
        for (List<PartitionLog> topic : requestTopics) {
            Optional<String> team = topic.get(0).owner;
            for (PartitionLog partition : topic) {
                partition.window.forEach(entry -> commands.add(new Command(entry, team)));
            }
        }
        commands.sort(Comparator.comparing(c -> c.entry().at()));
        for (Command command : commands) {
            Optional.ofNullable(request(command.entry(), command.team(), submitted)).ifPresent(facts::add);
        }
    }

    private Recorded request(Entry entry, Optional<String> team, Map<String, Submitted> submitted) {
        if (!(entry.value() instanceof RequestCommand value) || value.getCommand() == null) {
            skip(NO_VALUE);
            return null;
        }
        Object command = value.getCommand();
        if (command instanceof SubmitRequest submit) {
            String requestId = submit.getRequestId();
            if (team.isPresent() && !team.get().equals(submit.getConsumerTeam())) {
                skip(SUBMIT_FOR_ANOTHER_TEAM);
            } else if (team.isPresent() && !requestId.startsWith(team.get() + ".")) {
                skip(SUBMIT_OUTSIDE_TEAM_IDS);
            } else if (!requestId.equals(entry.key())) {
                skip(SUBMIT_KEY_MISMATCH);
            } else if (!ProducerNames.isKebabCase(submit.getCapability())) {
                skip(SUBMIT_BAD_CAPABILITY);
            } else if (submitted.containsKey(requestId)) {
                skip(DUPLICATE_SUBMIT);
            } else {
                submitted.put(requestId, new Submitted(submit.getCapability(), submit.getConsumerTeam()));
                return new Recorded.Command(entry.at(), submit.getCapability(), submit);
            }
            return null;
        }
        if (command instanceof ApprovalDecision decision) {
            if (team.isPresent()) {
                skip(DECISION_ON_TEAM_TOPIC);
                return null;
            }
            Submitted request = locate(decision.getRequestId(), team, submitted);
            return request == null ? null
                    : new Recorded.Command(entry.at(), request.capability(), new DecisionCommand(decision, request.capability()));
        }
        if (command instanceof CancelRequest cancel) {
            Submitted request = locate(cancel.getRequestId(), team, submitted);
            return request == null ? null : new Recorded.Command(entry.at(), request.capability(), new CancelCommand(
                    cancel.getRequestId(), request.capability(), cancel.getRequestedBy(), cancel.getAt(), cancel.getReason()));
        }
        if (command instanceof UpdateRequest update) {
            Submitted request = locate(update.getRequestId(), team, submitted);
            return request == null ? null
                    : new Recorded.Command(entry.at(), request.capability(), new UpdateCommand(update, request.capability()));
        }
        skip(NO_VALUE);
        return null;
    }

    /** The request a cancel, update or decision names, or null (counted skipped) when it may not be taken. */
    private Submitted locate(String requestId, Optional<String> team, Map<String, Submitted> submitted) {
        Submitted request = submitted.get(requestId);
        if (request == null) {
            skip(COMMAND_OUTSIDE_WINDOW);
            return null;
        }
        if (team.isPresent() && !team.get().equals(request.team())) {
            skip(COMMAND_OF_ANOTHER_TEAM);
            return null;
        }
        return request;
    }

    /** The fulfilment reports of one producer's topic in the window on requests submitted in it. */
    private void reports(List<PartitionLog> partitions, Map<String, Submitted> submitted, List<Recorded> facts) {
        String producerId = partitions.get(0).owner.orElseThrow();
        for (Entry entry : window(partitions)) {
            if (!(entry.value() instanceof FulfilmentEvent report)) {
                skip(NO_VALUE);
            } else if (!producerId.equals(report.getProducerId())) {
                skip(REPORT_OF_ANOTHER_PRODUCER);
            } else if (!submitted.containsKey(report.getRequestId())) {
                skip(REPORT_OUTSIDE_WINDOW);
            } else {
                facts.add(new Recorded.Command(entry.at(), report.getCapability(), report));
            }
        }
    }

    /** The latest status of each request submitted in the window. */
    private static void outcomes(List<PartitionLog> partitions, List<Recorded> facts) {
        folded(partitions).values().stream().sorted(Comparator.comparing(Entry::at))
                .forEach(entry -> facts.add(new Recorded.Outcome(entry.at(), (RequestStatus) entry.value())));
    }
}
