package io.capmarket.bench;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topics.CapabilityPartitions;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicSpec;
import io.capmarket.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A realistic marketplace to measure against: {@code capabilities} capabilities with
 * {@code offersPerCapability} competing offers each, spread over {@code producers} producers,
 * every offer with capacity enough never to throttle, and the submissions to match. Each workload
 * lives under its own topic prefix, so scenarios never see each other's records.
 */
final class Workload {

    /** The parameter schema of every benchmark capability; the gateway validates against it. */
    static final String PARAMETER_SCHEMA = """
            {"type":"object","properties":{"size":{"type":"string","enum":["small","medium","large"]},
             "replicas":{"type":"integer","minimum":0,"maximum":3}},"required":["size"],"additionalProperties":false}""";
    /** The parameters of every benchmark request. */
    static final String PARAMETERS = "{\"size\":\"small\",\"replicas\":1}";
    /** Large enough that a million live requests never fill an offer. */
    static final int CAPACITY = 10_000_000;

    private final Cluster cluster;
    private final String prefix;
    private final int partitions;
    private final int capabilities;
    private final int offersPerCapability;
    private final int producers;
    private final Topics topics;

    Workload(Cluster cluster, String prefix, int partitions, int capabilities, int offersPerCapability, int producers) {
        this.cluster = cluster;
        this.prefix = prefix;
        this.partitions = partitions;
        this.capabilities = capabilities;
        this.offersPerCapability = offersPerCapability;
        this.producers = producers;
        this.topics = Topics.builder().prefix(prefix).partitions(partitions)
                .serdeConfig(Map.of("schema.registry.url", cluster.registryUrl())).build();
    }

    /** The marketplace of the benchmarks: 50 capabilities × 4 offers (200) from 10 producers. */
    static Workload standard(Cluster cluster, String prefix, int partitions) {
        return new Workload(cluster, prefix, partitions, 50, 4, 10);
    }

    Topics topics() {
        return topics;
    }

    String prefix() {
        return prefix;
    }

    int partitions() {
        return partitions;
    }

    int producers() {
        return producers;
    }

    String producer(int p) {
        return "bench-producer-" + p;
    }

    String capability(int c) {
        return "bench-capability-" + c;
    }

    /** The capability of the {@code i}-th request: round robin over the catalog. */
    String capabilityOf(long i) {
        return capability((int) (i % capabilities));
    }

    /** {@code producers.approved} of the topology: every producer approved for anything. */
    String approvals() {
        StringJoiner approvals = new StringJoiner(";");
        for (int p = 0; p < producers; p++) {
            approvals.add(producer(p) + "=*");
        }
        return approvals.toString();
    }

    /** Creates the shared topics and every producer's own topics, as onboarding would. */
    void provision() {
        List<TopicSpec> specs = new ArrayList<>(topics.sharedSpecs());
        for (int p = 0; p < producers; p++) {
            topics.producerTopics(producer(p)).forEach(topic -> specs.add(topic.spec()));
        }
        cluster.ensure(specs);
    }

    /**
     * Waits until the topology's catalog lists every offer of the workload, as a running
     * marketplace's does before requests arrive.
     *
     * @throws IllegalStateException when it does not within {@code timeout}
     */
    void awaitCatalog(Duration timeout) {
        Map<String, Object> config = new HashMap<>(cluster.clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "catalog-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Topic<String, CapabilityView> catalog = topics.catalog();
        Map<String, Integer> offersByCapability = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, CapabilityView> consumer = new KafkaConsumer<>(config, catalog.keySerde().deserializer(),
                catalog.valueSerde().deserializer())) {
            consumer.subscribe(List.of(catalog.name()));
            while (offersByCapability.values().stream().filter(n -> n == offersPerCapability).count() < capabilities) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the catalog did not list every offer within " + timeout + ": " + offersByCapability);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(r -> offersByCapability.put(r.key(),
                        r.value() == null ? 0 : r.value().getOffers().size()));
            }
        }
    }

    /** Publishes one heartbeat per producer and every offer, each on its producer's own topics. */
    void publishCatalog() {
        Instant now = Instant.now();
        Topic<String, ProducerHeartbeat> anyHeartbeats = topics.heartbeats(producer(0));
        Topic<String, CapabilityOffer> anyOffers = topics.offers(producer(0));
        try (KafkaProducer<String, ProducerHeartbeat> heartbeats = producer(anyHeartbeats.keySerde().serializer(),
                anyHeartbeats.valueSerde().serializer(), false);
                KafkaProducer<String, CapabilityOffer> offers = producer(anyOffers.keySerde().serializer(),
                        anyOffers.valueSerde().serializer(), false)) {
            for (int p = 0; p < producers; p++) {
                heartbeats.send(new ProducerRecord<>(topics.heartbeats(producer(p)).name(), "bench",
                        new ProducerHeartbeat(producer(p), "bench", now, 0, true)));
            }
            for (Slot slot : slots()) {
                offers.send(new ProducerRecord<>(topics.offers(slot.producerId()).name(), slot.offerId(), CapabilityOffer.newBuilder()
                        .setOfferId(slot.offerId()).setProducerId(slot.producerId()).setCapability(slot.capability())
                        .setCapabilityVersion(1).setDescription("benchmark offer")
                        .setParameterSchema(PARAMETER_SCHEMA).setOutputSchema("{}")
                        .setAttributes(Map.of("region", slot.region())).setLeadTimeSloMs(slot.leadTime().toMillis())
                        .setCapacity(CAPACITY).setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).build()));
            }
        }
    }

    /** One offer of the catalog: who offers which capability, where, how fast. */
    record Slot(String offerId, String producerId, String capability, String region, Duration leadTime) {
    }

    /** Every offer of the catalog: offer k of capability c is producer (c × offers + k) mod producers's. */
    List<Slot> slots() {
        List<Slot> slots = new ArrayList<>();
        for (int c = 0; c < capabilities; c++) {
            for (int k = 0; k < offersPerCapability; k++) {
                String producerId = producer((c * offersPerCapability + k) % producers);
                slots.add(new Slot(capability(c) + "-by-" + producerId, producerId, capability(c),
                        k % 2 == 0 ? "eu-west" : "us-east", Duration.ofHours(1).plusMinutes(k)));
            }
        }
        return slots;
    }

    /**
     * The id of the {@code i}-th request of {@code series}: a UUID in canonical text, as the gateway
     * makes request ids (name-based from the team and Idempotency-Key, or random), unique to this
     * run's prefix, the series and {@code i}.
     */
    String requestId(String series, long i) {
        return UUID.nameUUIDFromBytes((prefix + series + i).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The {@code i}-th submission, stamped {@code submittedAt}. */
    RequestCommand submit(String requestId, long i, Instant submittedAt) {
        return new RequestCommand(SubmitRequest.newBuilder()
                .setRequestId(requestId).setConsumerTeam("bench-team")
                .setRequestedBy(new Requester(RequesterKind.BOT, "bench-bot"))
                .setCapability(capabilityOf(i)).setCapabilityVersion(1).setParameters(PARAMETERS)
                .setConstraints(Map.of()).setPreferences(Map.of()).setPriority(Priority.NORMAL)
                .setSubmittedAt(submittedAt).setIdempotencyKey(requestId).build());
    }

    /**
     * The {@code i}-th submission's record, on the partition of its capability, as the requests
     * topic's writers partition it (see {@link CapabilityPartitions}).
     */
    ProducerRecord<String, RequestCommand> submitRecord(String requestId, long i, Instant submittedAt) {
        return new ProducerRecord<>(topics.requests().name(), CapabilityPartitions.of(capabilityOf(i), partitions), requestId,
                submit(requestId, i, submittedAt));
    }

    /**
     * Writes {@code count} submissions, the {@code first}-th on, as fast as the broker takes them;
     * returns records per second.
     */
    double preProduce(long first, long count) {
        long started = System.nanoTime();
        Instant now = Instant.now();
        try (KafkaProducer<String, RequestCommand> requests = requestProducer(true)) {
            for (long i = first; i < first + count; i++) {
                requests.send(submitRecord(requestId("req-", i), i, now));
            }
        }
        return count / ((System.nanoTime() - started) / 1e9);
    }

    /** A producer of submissions; {@code batched} trades latency for throughput. */
    KafkaProducer<String, RequestCommand> requestProducer(boolean batched) {
        return producer(topics.requests().keySerde().serializer(), topics.requests().valueSerde().serializer(), batched);
    }

    private <V> KafkaProducer<String, V> producer(org.apache.kafka.common.serialization.Serializer<String> keys,
            org.apache.kafka.common.serialization.Serializer<V> values, boolean batched) {
        Map<String, Object> config = new HashMap<>(cluster.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, batched ? 20 : 0);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, batched ? 262_144 : 16_384);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(config, keys, values);
    }
}
