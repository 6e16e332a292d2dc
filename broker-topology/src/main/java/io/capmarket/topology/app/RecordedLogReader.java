package io.capmarket.topology.app;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.serde.AvroDeserializationException;
import io.capmarket.schemas.topics.TopicPattern;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.topology.app.LogFacts.Entry;
import io.capmarket.topology.app.LogFacts.PartitionLog;
import io.capmarket.topology.app.LogFacts.Source;
import io.capmarket.topology.replay.Recorded;
import io.capmarket.topology.replay.RecordedLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a window of the marketplace's log from Kafka into a {@link RecordedLog} that a
 * {@link io.capmarket.topology.replay.Replay} re-runs: read-only, with no consumer group, so it can
 * run beside the live topology without touching it.
 *
 * <p>It reads committed records only, each partition from the start it needs up to its end offset
 * as of the start of the read, so a read of a busy log ends. State topics (approvals, approval
 * policies, contract handovers, quotas, offers, liveness) are read from their beginning and folded: the window starts
 * from the latest value of each key recorded before {@code from} (a removed one is dropped; for
 * liveness, the last heartbeat of each of each producer's processes). Request commands and fulfilment reports are read from
 * {@code from}; request statuses from {@code from} to their end, keeping the latest status of each
 * request submitted in the window, however late it was recorded.
 *
 * <p>Records are attributed as the topology attributes them (see {@code OfferIntake},
 * {@code RequestIntake}, {@code FulfilmentIntake}): the producer or team is the one whose topic
 * carried the record, and a record whose fields claim someone else is skipped and counted in
 * {@link Read#skipped()} under one of the reasons below. A skipped offer does not change the state
 * the window starts from. Records outside the window are left out without being counted.
 *
 * <p>Two checks of the topology's intake are not made here: whether an offer's producer was approved
 * for its capability when it published it (the approvals are in the log, and matching checks them
 * again), and whether a team's own topic may submit at the priority a submit asks for
 * ({@code priority.grants}).
 *
 * <pre>{@code
 * TopologyConfig config = TopologyConfig.load(file, System.getenv());
 * RecordedLogReader.Read read = RecordedLogReader.read(config.clientConfig(), config.topics(),
 *         Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-03-02T00:00:00Z"), Duration.ofMinutes(2));
 * ReplayReport report = Replay.run(read.log(), config.settings(), WhatIf.NONE);
 * }</pre>
 */
public final class RecordedLogReader {

    /** Facts (and records held to fold) one read takes at most unless told otherwise. */
    public static final int DEFAULT_MAX_FACTS = 5_000_000;

    /** Skip reason: the value could not be decoded (it would be dead-lettered by the topology). */
    public static final String UNDECODABLE = "undecodable value";
    /** Skip reason: a record with no key on a topic whose key is the identity (offerId, producerId, policy or quota key). */
    public static final String NO_KEY = "record without a key";
    /** Skip reason: a record with no value where a value is needed (a command, report, heartbeat). */
    public static final String NO_VALUE = "record without a value";
    /**
     * Skip reason: an approval policy's or contract handover's key that is not {@code <capability>/<version>}, or a quota
     * key not {@code <team>/<capability>}.
     */
    public static final String MALFORMED_KEY = "approval policy, contract handover or quota key of the wrong shape";
    /** Skip reason: an offer on one producer's topic that names another producer. */
    public static final String OFFER_OF_ANOTHER_PRODUCER = "offer naming another producer than its topic's";
    /** Skip reason: an offer whose record key is not its offerId. */
    public static final String OFFER_KEY_MISMATCH = "offer whose key differs from its offerId";
    /** Skip reason: a withdrawal of an offer its producer has not published. */
    public static final String WITHDRAWAL_OF_UNKNOWN_OFFER = "withdrawal of an offer its producer has not published";
    /** Skip reason: a submit on a team's topic for another team. */
    public static final String SUBMIT_FOR_ANOTHER_TEAM = "submit on a team's topic for another team";
    /** Skip reason: a submit on a team's topic whose requestId does not start with {@code <team>.}. */
    public static final String SUBMIT_OUTSIDE_TEAM_IDS = "submit on a team's topic whose requestId does not start with the team's name";
    /** Skip reason: a submit whose record key is not its requestId. */
    public static final String SUBMIT_KEY_MISMATCH = "submit whose key differs from its requestId";
    /** Skip reason: a submit whose capability is not a kebab-case name. */
    public static final String SUBMIT_BAD_CAPABILITY = "submit whose capability is not kebab-case";
    /** Skip reason: a second submit of a requestId (a retry; the first one stands). */
    public static final String DUPLICATE_SUBMIT = "second submit of a requestId";
    /** Skip reason: a cancel or update on a team's topic of another team's request. */
    public static final String COMMAND_OF_ANOTHER_TEAM = "cancel or update on a team's topic of another team's request";
    /** Skip reason: an approval decision on a team's topic (decisions come through the gateway only). */
    public static final String DECISION_ON_TEAM_TOPIC = "approval decision on a team's topic";
    /** Skip reason: a cancel, update or decision on a request not submitted in the window. */
    public static final String COMMAND_OUTSIDE_WINDOW = "cancel, update or decision on a request not submitted in the window";
    /** Skip reason: a fulfilment report on one producer's topic that names another producer. */
    public static final String REPORT_OF_ANOTHER_PRODUCER = "fulfilment report naming another producer than its topic's";
    /** Skip reason: a fulfilment report on a request not submitted in the window. */
    public static final String REPORT_OUTSIDE_WINDOW = "fulfilment report on a request not submitted in the window";

    private static final Duration POLL = Duration.ofMillis(200);
    /** How long listing the topics may take: a cluster that cannot list them in this time is not there. */
    private static final Duration LISTING_TIMEOUT = Duration.ofSeconds(30);
    private static final String PRINCIPAL_ADVICE = "read the log with a principal that may read every topic of the marketplace, "
            + "such as the topology's (client.properties, a client settings file as onboarding writes it), and the topics "
            + "prefix the marketplace runs with (topics.prefix)";

    /**
     * What a read found: the log, and how many records it skipped, by reason (one of this class's
     * constants).
     *
     * @param log the window's facts
     * @param skipped records read but not taken, by reason; reasons with none are absent
     */
    public record Read(RecordedLog log, Map<String, Integer> skipped) {

        public Read {
            Objects.requireNonNull(log, "log");
            skipped = Collections.unmodifiableMap(new TreeMap<>(skipped));
        }

        /** Records skipped, every reason together. */
        public int skippedCount() {
            return skipped.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final Topics topics;
    private final Set<String> visible = new HashSet<>();
    private final Instant from;
    private final Instant to;
    private final int maxFacts;
    private final LogFacts attribution = new LogFacts();
    private int held;

    private RecordedLogReader(Topics topics, Instant from, Instant to, int maxFacts) {
        this.topics = topics;
        this.from = from;
        this.to = to;
        this.maxFacts = maxFacts;
    }

    /**
     * Reads the window [{@code from}, {@code to}) of the log with at most {@value #DEFAULT_MAX_FACTS} facts.
     *
     * @see #read(Map, Topics, Instant, Instant, Duration, int)
     */
    public static Read read(Map<String, Object> clientConfig, Topics topics, Instant from, Instant to, Duration timeout) {
        return read(clientConfig, topics, from, to, timeout, DEFAULT_MAX_FACTS);
    }

    /**
     * Reads the window [{@code from}, {@code to}) of the log.
     *
     * @param clientConfig how to reach the cluster ({@code bootstrap.servers} and security settings, as
     *     {@link TopologyConfig#clientConfig()} gives them); a group id in it is ignored
     * @param topics the topic catalogue, with value serdes wired to the schema registry
     * @param from the window's start, inclusive
     * @param to the window's end, exclusive
     * @param timeout how long the whole read may take
     * @param maxFacts how many facts (and records held to fold) the read may hold
     * @throws TimeoutException when the read is not done within {@code timeout}; the message names
     *     the topics and partitions not read to their end
     * @throws IllegalArgumentException when the window holds more than {@code maxFacts} facts
     */
    public static Read read(Map<String, Object> clientConfig, Topics topics, Instant from, Instant to, Duration timeout,
            int maxFacts) {
        Objects.requireNonNull(clientConfig, "clientConfig");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(timeout, "timeout");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("to must be after from, but was " + to + " (from " + from + ")");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
        }
        if (maxFacts < 1) {
            throw new IllegalArgumentException("maxFacts must be at least 1, but was " + maxFacts);
        }
        if (!clientConfig.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("clientConfig must hold " + ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        }
        RecordedLogReader reader = new RecordedLogReader(topics, from, to, maxFacts);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(clientConfig),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionLog> logs = reader.scan(consumer, timeout, deadline);
            List<Recorded> facts = reader.attribution.facts(logs);
            reader.requireVisible(facts);
            return new Read(new RecordedLog(from, to, facts), reader.attribution.skipped());
        }
    }

    /** The client settings a consumer takes, made read-only: no group, no commits, committed records only. */
    private static Map<String, Object> consumerConfig(Map<String, Object> clientConfig) {
        Set<String> known = ConsumerConfig.configNames();
        Map<String, Object> config = new HashMap<>();
        clientConfig.forEach((key, value) -> {
            if (known.contains(key) || key.startsWith("config.providers")) {
                config.put(key, value);
            }
        });
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "capmarket-replay-reader");
        return config;
    }

    // ---- reading

    /**
     * Checks that this client sees the topics of every producer the log approves: a principal the
     * ACLs let see only some topics would read a log without their offers, and replay it wrong.
     */
    private void requireVisible(List<Recorded> facts) {
        Set<String> unseen = new TreeSet<>();
        for (Recorded fact : facts) {
            if (fact instanceof Recorded.Approval approval && approval.approval() != null
                    && !visible.contains(topics.offers(approval.producerId()).name())) {
                unseen.add(approval.producerId());
            }
        }
        if (!unseen.isEmpty()) {
            throw new IllegalStateException("the offers topics of approved producers " + unseen + " are not visible to this client: "
                    + PRINCIPAL_ADVICE);
        }
    }

    /** Reads every partition of the log's topics from where its source starts to its end offset. */
    private List<PartitionLog> scan(KafkaConsumer<byte[], byte[]> consumer, Duration timeout, long deadline) {
        Duration listing = min(LISTING_TIMEOUT, timeout);
        Map<String, List<PartitionInfo>> listed = call(() -> consumer.listTopics(min(listing, left(deadline))), listing,
                "listing the topics");
        visible.addAll(listed.keySet());
        List<String> missing = Stream.of(topics.requestStatus().name(), topics.producers().name())
                .filter(name -> !listed.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the marketplace's topics " + missing + " are not visible to this client (or the "
                    + "marketplace never ran on this cluster with these topic names): " + PRINCIPAL_ADVICE);
        }
        Map<TopicPartition, PartitionLog> logs = new LinkedHashMap<>();
        for (PartitionLog template : sources(listed.keySet())) {
            listed.get(template.topic).stream().sorted(Comparator.comparingInt(PartitionInfo::partition)).forEach(info -> logs.put(
                    new TopicPartition(info.topic(), info.partition()),
                    new PartitionLog(template.source, template.topic, template.owner, template.keys, template.values)));
        }
        if (logs.isEmpty()) {
            return List.of();
        }
        consumer.assign(logs.keySet());
        Map<TopicPartition, Long> ends = call(() -> consumer.endOffsets(logs.keySet(), left(deadline)), timeout,
                "asking the end offsets of " + topicNames(logs.keySet()));
        ends.forEach((partition, end) -> logs.get(partition).end = end);
        List<TopicPartition> fromBeginning = new ArrayList<>();
        Map<TopicPartition, Long> fromStart = new HashMap<>();
        logs.forEach((partition, log) -> {
            if (log.source.state) {
                fromBeginning.add(partition);
            } else {
                fromStart.put(partition, from.toEpochMilli());
            }
        });
        consumer.seekToBeginning(fromBeginning);
        if (!fromStart.isEmpty()) {
            Map<TopicPartition, OffsetAndTimestamp> starts = call(() -> consumer.offsetsForTimes(fromStart, left(deadline)),
                    timeout, "finding the offsets at " + from + " of " + topicNames(fromStart.keySet()));
            fromStart.keySet().forEach(partition -> {
                OffsetAndTimestamp start = starts.get(partition);
                consumer.seek(partition, start == null ? logs.get(partition).end : Math.min(start.offset(), logs.get(partition).end));
            });
        }
        Set<TopicPartition> unfinished = new HashSet<>(logs.keySet());
        finish(consumer, logs, unfinished, timeout, deadline);
        while (!unfinished.isEmpty()) {
            if (System.nanoTime() >= deadline) {
                throw timedOut(consumer, logs, unfinished, timeout);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(min(POLL, left(deadline)))) {
                PartitionLog log = logs.get(new TopicPartition(record.topic(), record.partition()));
                if (record.offset() < log.end) {
                    take(log, record);
                }
            }
            finish(consumer, logs, unfinished, timeout, deadline);
        }
        return List.copyOf(logs.values());
    }

    /** The log's partitions' templates, in the order of {@link Source}, topics by name within a source. */
    private List<PartitionLog> sources(Set<String> listed) {
        List<PartitionLog> found = new ArrayList<>();
        single(found, listed, Source.PRODUCERS, topics.producers().name(), topics.producers().keySerde().deserializer(),
                topics.producers().valueSerde().deserializer());
        single(found, listed, Source.APPROVAL_POLICIES, topics.approvalPolicies().name(),
                topics.approvalPolicies().keySerde().deserializer(), topics.approvalPolicies().valueSerde().deserializer());
        single(found, listed, Source.CONTRACT_OWNERS, topics.contractOwners().name(),
                topics.contractOwners().keySerde().deserializer(), topics.contractOwners().valueSerde().deserializer());
        single(found, listed, Source.QUOTAS, topics.quotas().name(), topics.quotas().keySerde().deserializer(),
                topics.quotas().valueSerde().deserializer());
        family(found, listed, Source.OFFERS, topics.everyProducersOffers());
        single(found, listed, Source.LIVENESS, topics.liveness().name(), topics.liveness().keySerde().deserializer(),
                topics.liveness().valueSerde().deserializer());
        family(found, listed, Source.REQUESTS, topics.everyRequests());
        family(found, listed, Source.FULFILMENT, topics.everyProducersFulfilment());
        single(found, listed, Source.REQUEST_STATUS, topics.requestStatus().name(),
                topics.requestStatus().keySerde().deserializer(), topics.requestStatus().valueSerde().deserializer());
        return found;
    }

    private static void single(List<PartitionLog> found, Set<String> listed, Source source, String topic, Deserializer<String> keys,
            Deserializer<?> values) {
        if (listed.contains(topic)) {
            found.add(new PartitionLog(source, topic, Optional.empty(), keys, values));
        }
    }

    private static void family(List<PartitionLog> found, Set<String> listed, Source source, TopicPattern<String, ?> pattern) {
        listed.stream().filter(pattern::matches).sorted().forEach(topic -> found.add(new PartitionLog(source, topic,
                pattern.ownerOf(topic), pattern.keySerde().deserializer(), pattern.valueSerde().deserializer())));
    }

    /** Marks the partitions read to their end as done, and stops fetching them. */
    private static void finish(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, PartitionLog> logs,
            Set<TopicPartition> unfinished, Duration timeout, long deadline) {
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition partition : unfinished) {
            long position = call(() -> consumer.position(partition, left(deadline)), timeout, "finding the position in " + partition);
            if (position >= logs.get(partition).end) {
                done.add(partition);
            }
        }
        if (!done.isEmpty()) {
            consumer.pause(done);
            done.forEach(unfinished::remove);
        }
    }

    /** Decodes one record and keeps it where its source needs it. */
    private void take(PartitionLog log, ConsumerRecord<byte[], byte[]> record) {
        Instant at = Instant.ofEpochMilli(record.timestamp());
        boolean beforeWindow = at.isBefore(from);
        if (beforeWindow && !log.source.state || !at.isBefore(to) && log.source != Source.REQUEST_STATUS) {
            return;
        }
        String key = log.keys.deserialize(record.topic(), record.headers(), record.key());
        Object value;
        try {
            value = record.value() == null ? null : log.values.deserialize(record.topic(), record.headers(), record.value());
        } catch (AvroDeserializationException e) {
            skip(UNDECODABLE);
            return;
        }
        if (log.source == Source.REQUEST_STATUS) {
            // a tombstone purges a request's status; the latest status before it still tells how the request went
            if (value instanceof RequestStatus status && !status.getSubmittedAt().isBefore(from) && status.getSubmittedAt().isBefore(to)
                    && log.latest.put(status.getRequestId(), new Entry(at, status.getRequestId(), status)) == null) {
                hold();
            }
            return;
        }
        if (key == null && log.source.state) {
            skip(NO_KEY);
            return;
        }
        if (log.source == Source.OFFERS && value instanceof CapabilityOffer offer && !validOffer(log, key, offer)) {
            return;
        }
        Entry entry = new Entry(at, key, value);
        if (beforeWindow) {
            if (log.latest.put(stateKey(log, key, value), entry) == null) {
                hold();
            }
        } else {
            hold();
            log.window.add(entry);
        }
    }

    /**
     * What a state source's latest record before the window is kept under: its key, or for a
     * heartbeat its producer and process, since the engine folds each process's latest heartbeat.
     */
    private static String stateKey(PartitionLog log, String key, Object value) {
        return log.source == Source.LIVENESS && value instanceof ProducerHeartbeat beat ? key + "/" + beat.getInstanceId() : key;
    }

    /** Whether an offer read on {@code log}'s topic is its producer's own, counting it skipped if not. */
    private boolean validOffer(PartitionLog log, String offerId, CapabilityOffer offer) {
        if (log.owner.isEmpty() || !log.owner.get().equals(offer.getProducerId())) {
            skip(OFFER_OF_ANOTHER_PRODUCER);
            return false;
        }
        if (!offerId.equals(offer.getOfferId())) {
            skip(OFFER_KEY_MISMATCH);
            return false;
        }
        return true;
    }

    /** Counts one more fact or record held, failing once the read holds more than it may. */
    private void hold() {
        if (++held > maxFacts) {
            throw new IllegalArgumentException("the window " + from + " to " + to + " holds more than " + maxFacts
                    + " facts of the marketplace's log (maxFacts): narrow the window (--from/--to)");
        }
    }

    private void skip(String reason) {
        attribution.skip(reason);
    }

    // ---- time

    /** Runs a blocking client call, telling what timed out in terms of the read. */
    private static <T> T call(Supplier<T> call, Duration timeout, String what) {
        try {
            return call.get();
        } catch (TimeoutException e) {
            throw new TimeoutException("reading the marketplace's log timed out after " + timeout.toSeconds() + " s while " + what
                    + ": check that the cluster is reachable, or allow more time", e);
        }
    }

    private static TimeoutException timedOut(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, PartitionLog> logs,
            Set<TopicPartition> unfinished, Duration timeout) {
        String behind = unfinished.stream().sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .limit(10).map(p -> p.topic() + " partition " + p.partition() + " (at offset " + position(consumer, p)
                        + " of " + logs.get(p).end + ")").collect(Collectors.joining(", "));
        return new TimeoutException("reading the marketplace's log timed out after " + timeout.toSeconds() + " s with "
                + unfinished.size()
                + " partition(s) not read to their end: " + behind + (unfinished.size() > 10 ? ", …" : "")
                + "; allow more time, or narrow the window (--from/--to)");
    }

    private static String position(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition) {
        try {
            return Long.toString(consumer.position(partition, Duration.ZERO));
        } catch (TimeoutException e) {
            return "unknown";
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String topicNames(Set<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::topic).distinct().sorted().collect(Collectors.joining(", "));
    }
}
