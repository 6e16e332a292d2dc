package io.capmarket.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.sync.SyncCommand;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code capmarket sync} against the real broker and registry. */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class SyncIT {

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    SyncIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void syncCreatesUpdatesAndWithdrawsTheOfferOfARemovedFile(@TempDir Path dir) throws Exception {
        Topics topics = Brokerside.provision(broker, registry, "gitops-team");
        Files.writeString(dir.resolve("pg.yaml"), """
                offerId: pg16
                capability: postgres-database
                capacity: 10
                leadTime: 10m
                """);
        Files.writeString(dir.resolve("redis.yaml"), """
                offers:
                  - offerId: redis7
                    capability: redis-cache
                    capacity: 5
                    leadTime: 2m
                """);
        Map<String, String> env = Map.of("CAPMARKET_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "CAPMARKET_SCHEMA_REGISTRY_URL", registry.url(), "CAPMARKET_TOPICS_PREFIX", topics.prefix());

        Result dryRun = sync(env, "--dir", dir.toString(), "--producer-id", "gitops-team", "--dry-run");
        assertThat(dryRun.code()).isZero();
        assertThat(dryRun.out()).contains("  + create pg16 (postgres-database v1, capacity 10, lead time 10m, ACTIVE)")
                .contains("  + create redis7").contains("Plan: 2 to create, 0 to update, 0 to withdraw (0 unchanged).")
                .contains("Dry run: nothing was published.");
        assertThat(live(env, topics)).isEmpty();

        assertThat(sync(env, "--dir", dir.toString(), "--producer-id", "gitops-team").out())
                .contains("Applied: 2 changes published.");
        assertThat(live(env, topics)).containsOnlyKeys("pg16", "redis7");

        Files.delete(dir.resolve("redis.yaml"));
        Files.writeString(dir.resolve("pg.yaml"), Files.readString(dir.resolve("pg.yaml")).replace("capacity: 10", "capacity: 20"));
        Result second = sync(env, "--dir", dir.toString(), "--producer-id", "gitops-team");

        assertThat(second.out()).contains("""
                  ~ update pg16
                      capacity: 10 -> 20
                  - withdraw redis7 (redis-cache v1)

                Plan: 0 to create, 1 to update, 1 to withdraw (0 unchanged).
                """);
        assertThat(live(env, topics)).containsOnlyKeys("pg16");
        assertThat(new TopicReader(broker).readAll(topics.offers("gitops-team")).stream()
                .filter(r -> r.key().equals("redis7")).map(ConsumerRecord::value).toList())
                .as("the withdrawal is a tombstone").endsWith((io.capmarket.schemas.CapabilityOffer) null);
        assertThat(sync(env, "--dir", dir.toString(), "--producer-id", "gitops-team").out())
                .contains("No changes: 1 offer is live as declared.");
    }

    @Test
    void aLiveRecordNoReaderCanDecodeIsReplacedOrWithdrawnAndAWrongKafkaSettingIsAnInvalidArgument(@TempDir Path dir)
            throws Exception {
        Topics topics = Brokerside.provision(broker, registry, "noisy-team");
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            for (String offerId : List.of("pg", "junk")) {
                raw.send(new ProducerRecord<>(topics.offers("noisy-team").name(), offerId, "not an offer".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        Files.writeString(dir.resolve("pg.yaml"), "offerId: pg\ncapability: postgres-database\ncapacity: 1\nleadTime: 1m\n");
        Map<String, String> env = Map.of("CAPMARKET_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "CAPMARKET_SCHEMA_REGISTRY_URL", registry.url(), "CAPMARKET_TOPICS_PREFIX", topics.prefix());

        Result plan = sync(env, "--dir", dir.toString(), "--producer-id", "noisy-team", "--dry-run");

        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("~ update pg").contains("unreadable: its record at " + topics.offers("noisy-team").name())
                .contains("- withdraw junk").contains("Plan: 0 to create, 1 to update, 1 to withdraw");

        Result wrong = sync(env, "--dir", dir.toString(), "--producer-id", "noisy-team", "--dry-run", "--kafka", "fetch.max.bytes=abc");
        assertThat(wrong.code()).as(wrong.out()).isEqualTo(SyncCommand.INVALID);
        assertThat(wrong.err()).contains("fetch.max.bytes");
    }

    @Test
    void invalidFilesPublishNothing(@TempDir Path dir) throws Exception {
        Topics topics = Brokerside.provision(broker, registry, "careful-team");
        Files.writeString(dir.resolve("good.yaml"), "offerId: good\ncapability: kafka-topic\ncapacity: 1\nleadTime: 1m\n");
        Files.writeString(dir.resolve("bad.yaml"), "offerId: bad\ncapability: kafka-topic\ncapacity: 1\nleadTime: soon\n");
        Map<String, String> env = Map.of("CAPMARKET_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "CAPMARKET_SCHEMA_REGISTRY_URL", registry.url(), "CAPMARKET_TOPICS_PREFIX", topics.prefix());

        Result result = sync(env, "--dir", dir.toString(), "--producer-id", "careful-team");

        assertThat(result.code()).isEqualTo(SyncCommand.INVALID);
        assertThat(result.err()).contains(dir.resolve("bad.yaml") + ":4: offer bad: leadTime must be a duration");
        assertThat(new TopicReader(broker).readAll(topics.offers("careful-team"))).isEmpty();
    }

    @Test
    void aProducerThatWasNotOnboardedIsToldSoAndNothingIsPublished(@TempDir Path dir) throws Exception {
        Topics topics = Brokerside.withoutProducers(broker, registry);
        Files.writeString(dir.resolve("pg.yaml"), "offerId: pg\ncapability: postgres-database\ncapacity: 1\nleadTime: 1m\n");
        Path settings = dir.resolve("new-team.properties");
        Files.writeString(settings, "bootstrap.servers=" + broker.bootstrapServers() + "\nschema.registry.url=" + registry.url()
                + "\n");

        Result result = sync(Map.of("CAPMARKET_CLIENT_PROPERTIES", settings.toString(), "CAPMARKET_TOPICS_PREFIX", topics.prefix()),
                "--dir", dir.toString(), "--producer-id", "new-team");

        assertThat(result.code()).isEqualTo(SyncCommand.INVALID);
        assertThat(result.err()).contains("capmarket sync: producer new-team is not onboarded: its topics "
                + topics.producerPrefix("new-team") + "assignments").contains("./capmarket producer onboard --producer-id new-team");
        assertThat(result.out()).doesNotContain("Applied");
    }

    private Map<String, io.capmarket.sdk.Offer> live(Map<String, String> env, Topics topics) {
        try (CapmarketProducer client = CapmarketProducer.builder().bootstrapServers(env.get("CAPMARKET_BOOTSTRAP_SERVERS"))
                .schemaRegistryUrl(registry.url()).topicPrefix(topics.prefix()).producerId("gitops-team").build()) {
            return client.liveOffers();
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result sync(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SyncCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
