package io.capmarket.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.Approval;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.ClientClosedException;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.UnknownOfferException;
import io.capmarket.sdk.sync.SyncPlan;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Offers on the real broker, in the registry's wire format. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class OfferPublishingIT {

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    OfferPublishingIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void offersAreWrittenInTheRegistryWireFormatKeyedByOfferIdAndTheirLifecycleFollows() {
        Topics topics = Brokerside.provision(broker, registry, "db-team");
        Approval approval = Approval.when("size", "large").approvers("role:admin").expiresAfter(Duration.ofDays(2));
        Offer offer = Offer.builder().offerId("pg16-eu-west").capability("postgres-database").capacity(50)
                .leadTime(Duration.ofMinutes(10)).attribute("region", "eu-west").approval(approval).build();
        Instant sunset = Instant.parse("2030-06-30T00:00:00Z");
        try (CapmarketProducer producer = CapmarketProducer.builder().bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.url()).topicPrefix(topics.prefix()).producerId("db-team").build()) {
            producer.publish(offer);
            producer.pause("pg16-eu-west");
            producer.deprecate("pg16-eu-west", sunset);

            assertThat(producer.liveOffers()).containsOnlyKeys("pg16-eu-west");
            assertThat(producer.liveOffers().get("pg16-eu-west").status()).isEqualTo(OfferStatus.DEPRECATED);
            assertThat(producer.liveOffers().get("pg16-eu-west").sunsetAt()).isEqualTo(sunset);
            assertThat(producer.liveOffers().get("pg16-eu-west").approval()).as("read back from the topic").isEqualTo(approval);

            producer.withdraw("pg16-eu-west");
            assertThat(producer.liveOffers()).isEmpty();
            assertThatThrownBy(() -> producer.pause("pg16-eu-west")).isInstanceOf(UnknownOfferException.class);
        }

        List<ConsumerRecord<String, byte[]>> records = raw(topics.offers("db-team").name());
        assertThat(records).extracting(ConsumerRecord::key).containsOnly("pg16-eu-west").hasSize(4);
        int schemaId = SchemaRegistryClient.create(SchemaRegistryConfig.from(Map.of("schema.registry.url", registry.url())))
                .latest(topics.offers("db-team").name() + "-value").id();
        for (ConsumerRecord<String, byte[]> record : records.subList(0, 3)) {
            ByteBuffer bytes = ByteBuffer.wrap(record.value());
            assertThat(bytes.get()).as("magic byte").isZero();
            assertThat(bytes.getInt()).as("schema id").isEqualTo(schemaId);
        }
        assertThat(records.get(3).value()).as("withdrawal tombstone").isNull();
        List<CapabilityOffer> decoded = records.subList(0, 3).stream()
                .map(r -> topics.offers("db-team").valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
        assertThat(decoded).extracting(CapabilityOffer::getStatus)
                .containsExactly(OfferStatus.ACTIVE, OfferStatus.PAUSED, OfferStatus.DEPRECATED);
        assertThat(decoded.get(0).getProducerId()).isEqualTo("db-team");
        assertThat(decoded.get(0).getLeadTimeSloMs()).isEqualTo(600_000);
        assertThat(decoded.get(0).getAttributes()).containsEntry("region", "eu-west");
        assertThat(decoded).extracting(CapabilityOffer::getApproval).as("kept through pause and deprecation")
                .containsOnly(ApprovalPolicy.newBuilder().setWhen(Map.of("size", List.of("large"))).setApprovers(List.of("role:admin"))
                        .setExpiresAfterMs(Duration.ofDays(2).toMillis()).build());
    }

    @Test
    void aRecordNamingAnotherProducerOnTheProducersOwnTopicIsNoLiveOfferAndASyncWithdrawsIt() throws Exception {
        Topics topics = Brokerside.provision(broker, registry, "own-team");
        Instant now = Instant.now();
        CapabilityOffer foreign = CapabilityOffer.newBuilder().setOfferId("pg-foreign").setProducerId("other-team")
                .setCapability("postgres-database").setCapabilityVersion(1).setParameterSchema("{\"type\":\"object\"}")
                .setOutputSchema("{\"type\":\"object\"}").setAttributes(Map.of()).setLeadTimeSloMs(60_000).setCapacity(1)
                .setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).build();
        var topic = topics.offers("own-team");
        try (KafkaProducer<String, CapabilityOffer> writer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            writer.send(new ProducerRecord<>(topic.name(), "pg-foreign", foreign)).get();
        }
        Offer own = Offer.builder().offerId("pg-own").capability("postgres-database").capacity(1)
                .leadTime(Duration.ofMinutes(1)).build();
        try (CapmarketProducer producer = CapmarketProducer.builder().bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.url()).topicPrefix(topics.prefix()).producerId("own-team").build()) {
            producer.publish(own);

            assertThat(producer.liveOffers()).containsOnlyKeys("pg-own");
            SyncPlan plan = producer.planSync(List.of(own));
            assertThat(plan.changes()).singleElement().satisfies(change -> {
                assertThat(change.action()).isEqualTo(SyncPlan.Action.WITHDRAW);
                assertThat(change.offerId()).isEqualTo("pg-foreign");
            });
            producer.applySync(plan);
        }
        List<byte[]> foreignRecords = raw(topic.name()).stream().filter(r -> r.key().equals("pg-foreign"))
                .map(ConsumerRecord::value).toList();
        assertThat(foreignRecords).hasSize(2);
        assertThat(foreignRecords.get(1)).as("withdrawn with a tombstone").isNull();
    }

    @Test
    void aClosedClientRefusesToPublish() {
        Topics topics = Brokerside.provision(broker, registry, "closed-team");
        CapmarketProducer producer = CapmarketProducer.builder().bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.url()).topicPrefix(topics.prefix()).producerId("closed-team").build();
        producer.close();
        producer.close();

        assertThatThrownBy(() -> producer.publish(Offer.builder().offerId("x").capability("kafka-topic").capacity(1)
                .leadTime(Duration.ofMinutes(1)).build()))
                .isInstanceOf(ClientClosedException.class)
                .hasMessage("publishing offer x: the client is closed; build a new CapmarketProducer");
    }

    private List<ConsumerRecord<String, byte[]>> raw(String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        records.sort(java.util.Comparator.comparingLong(ConsumerRecord::offset));
        return records;
    }
}
