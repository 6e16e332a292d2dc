package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.config.InvalidConfigException;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.MatchingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.streams.StreamsConfig;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopologyConfigTest {

    private static final Map<String, String> REQUIRED = Map.of(
            "bootstrap.servers", "localhost:9092",
            "schema.registry.url", "http://localhost:8081");

    private static TopologyConfig with(String key, String value) {
        Map<String, String> settings = new HashMap<>(REQUIRED);
        settings.put(key, value);
        return TopologyConfig.of(settings);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refusing(String key, String value) {
        return assertThatThrownBy(() -> with(key, value)).isInstanceOf(InvalidConfigException.class);
    }

    @Nested
    class Defaults {

        @Test
        void everythingButTheConnectionsHasADefault() {
            TopologyConfig config = TopologyConfig.of(REQUIRED);

            assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
            assertThat(config.schemaRegistryUrl()).isEqualTo("http://localhost:8081");
            assertThat(config.schemaRegistryUserInfo()).isEmpty();
            assertThat(config.applicationId()).isEqualTo("capmarket-topology");
            assertThat(config.topicsPrefix()).isEqualTo("capmarket.");
            assertThat(config.topicsPartitions()).isEqualTo(6);
            assertThat(config.topicsReplicationFactor()).isEmpty();
            assertThat(config.topicsDiscoveryInterval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
            assertThat(config.numStreamThreads()).isEqualTo(1);
            assertThat(config.numStandbyReplicas()).isZero();
            assertThat(config.stateDir()).isEqualTo(Path.of(".capmarket", "streams").toAbsolutePath());
            assertThat(config.httpPort()).isEqualTo(9464);
            assertThat(config.approvedProducers()).isEmpty();
            assertThat(config.streamsOverrides()).isEmpty();
            assertThat(config.adminTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(config.settings()).isEqualTo(TopologySettings.ofDefaults());
        }

        @Test
        void bothConnectionsAreRequiredAndEachProblemIsReported() {
            assertThatThrownBy(() -> TopologyConfig.of(Map.of()))
                    .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                            "bootstrap.servers is required (a comma-separated list of host:port; environment variable "
                                    + "CAPMARKET_BOOTSTRAP_SERVERS)",
                            "schema.registry.url is required (a comma-separated list of http(s) URLs; environment variable "
                                    + "CAPMARKET_SCHEMA_REGISTRY_URL)"))
                    .hasMessageStartingWith("invalid configuration:");
        }
    }

    @Nested
    class Rules {

        @Test
        void durationsAreLike30sOr500ms() {
            refusing("matching.accept-deadline", "soon")
                    .hasMessage("matching.accept-deadline must be a duration like 30s or 500ms, but was 'soon'");
            refusing("scorecard.window", "0s").hasMessage("scorecard.window must be a duration greater than 0, but was '0s'");
            refusing("deadlines.check-interval", "-1s")
                    .hasMessage("deadlines.check-interval must be a duration like 30s or 500ms, but was '-1s'");
            assertThat(with("matching.accept-deadline", "500ms").settings().acceptDeadline()).isEqualTo(Duration.ofMillis(500));
            assertThat(with("matching.accept-deadline", "2m").settings().acceptDeadline()).isEqualTo(Duration.ofMinutes(2));
            assertThat(with("matching.accept-deadline", "1h").settings().acceptDeadline()).isEqualTo(Duration.ofHours(1));
            assertThat(with("scorecard.window", "1d").settings().scorecardWindow()).isEqualTo(Duration.ofDays(1));
            assertThat(with("matching.liveness-bound", "PT45S").settings().matching().livenessBound()).isEqualTo(Duration.ofSeconds(45));
        }

        @Test
        void finishedRequestsAreKeptThirtyDaysByDefaultForAnotherDurationOrForGood() {
            assertThat(TopologySettings.ofDefaults().day2().retainFinished()).isEqualTo(Duration.ofDays(30));
            assertThat(with("day2.retain-finished", "7d").settings().day2().retainFinished()).isEqualTo(Duration.ofDays(7));
            assertThat(with("day2.retain-finished", "never").settings().day2().retainFinished()).isZero();
            refusing("day2.retain-finished", "a while")
                    .hasMessage("day2.retain-finished must be a duration like 30d, or never, but was 'a while'");
        }

        @ParameterizedTest
        @CsvSource({
                "topics.partitions, 0, an integer from 1 to 10000",
                "topics.partitions, six, an integer from 1 to 10000",
                "topics.replication-factor, 0, an integer from 1 to 32767",
                "num.stream.threads, 0, an integer from 1 to 1000",
                "num.standby.replicas, -1, an integer from 0 to 100",
                "http.port, 70000, an integer from 0 to 65535 (0: any free port)",
                "matching.max-attempts, 0, an integer from 1 to 1000",
                "matching.weights.headroom, -1, a finite number of at least 0",
                "matching.weights.speed, NaN, a finite number of at least 0",
                "matching.weights.reliability, Infinity, a finite number of at least 0",
                "matching.weights.preference, lots, a finite number of at least 0",
                "processing.guarantee, exactly_once, 'one of exactly_once_v2, at_least_once'",
        })
        void eachKeyNamesItsRule(String key, String value, String rule) {
            refusing(key, value).hasMessage(key + " must be " + rule + ", but was '" + value + "'");
        }

        @Test
        void aCredentialBreakingItsRuleIsNamedButNotShown() {
            refusing("schema.registry.basic.auth.user.info", "alice").hasMessage("schema.registry.basic.auth.user.info must be "
                    + "user:password, but was a value not shown here (it is a credential)");
        }

        @Test
        void namesUseTopicNameCharacters() {
            refusing("application.id", "my app").hasMessage(
                    "application.id must be 1 to 200 characters of a-z, A-Z, 0-9, '.', '_' and '-', but was 'my app'");
            refusing("topics.prefix", "cap/market").hasMessage(
                    "topics.prefix must be empty or characters of a-z, A-Z, 0-9, '.', '_' and '-', but was 'cap/market'");
        }

        @Test
        void numbersAndChoicesInRangeAreTaken() {
            TopologyConfig config = TopologyConfig.of(Map.ofEntries(
                    Map.entry("bootstrap.servers", "PLAINTEXT://broker-1:9092, broker-2:9093,[::1]:9094"),
                    Map.entry("schema.registry.url", "https://a.example:8081,http://b.example"),
                    Map.entry("schema.registry.basic.auth.user.info", "alice:s3cret"),
                    Map.entry("application.id", "capmarket-topology-blue"),
                    Map.entry("topics.prefix", ""),
                    Map.entry("topics.partitions", "12"),
                    Map.entry("topics.replication-factor", "3"),
                    Map.entry("processing.guarantee", "at_least_once"),
                    Map.entry("num.stream.threads", "4"),
                    Map.entry("num.standby.replicas", "1"),
                    Map.entry("state.dir", "/var/lib/capmarket/../capmarket/streams"),
                    Map.entry("http.port", "0"),
                    Map.entry("matching.max-attempts", "3"),
                    Map.entry("matching.weights.headroom", "0.5"),
                    Map.entry("matching.weights.speed", "0"),
                    Map.entry("matching.weights.reliability", "3"),
                    Map.entry("matching.weights.preference", "1.25")));

            assertThat(config.bootstrapServers()).isEqualTo("PLAINTEXT://broker-1:9092,broker-2:9093,[::1]:9094");
            assertThat(config.schemaRegistryUrl()).isEqualTo("https://a.example:8081,http://b.example");
            assertThat(config.schemaRegistryUserInfo()).contains("alice:s3cret");
            assertThat(config.topicsPrefix()).isEmpty();
            assertThat(config.topicsPartitions()).isEqualTo(12);
            assertThat(config.topicsReplicationFactor()).contains((short) 3);
            assertThat(config.processingGuarantee()).isEqualTo("at_least_once");
            assertThat(config.numStreamThreads()).isEqualTo(4);
            assertThat(config.numStandbyReplicas()).isEqualTo(1);
            assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/capmarket/streams"));
            assertThat(config.httpPort()).isZero();
            assertThat(config.settings().maxAttempts()).isEqualTo(3);
            assertThat(config.settings().matching()).isEqualTo(new MatchingPolicy(Duration.ofSeconds(30), 0.5, 0, 3, 1.25));
        }

        @Test
        void connectionsAreCheckedPieceByPiece() {
            refusing("bootstrap.servers", "localhost:9092,localhost")
                    .hasMessage("bootstrap.servers must be a comma-separated list of host:port, but was 'localhost:9092,localhost': "
                            + "'localhost' is not host:port");
            refusing("bootstrap.servers", "localhost:0")
                    .hasMessageEndingWith(": port of 'localhost:0' is not in 1..65535");
            refusing("schema.registry.url", "localhost:8081")
                    .hasMessage("schema.registry.url must be a comma-separated list of http(s) URLs, but was 'localhost:8081': "
                            + "'localhost:8081' is not an http(s) URL with a host");
            refusing("schema.registry.url", "http://bad host")
                    .hasMessageStartingWith("schema.registry.url must be a comma-separated list of http(s) URLs, but was "
                            + "'http://bad host': 'http://bad host' is not a URL");
        }

        @Test
        void probationIsConfiguredWithinItsBounds() {
            TopologyConfig config = TopologyConfig.of(Map.of("bootstrap.servers", "k:9092", "schema.registry.url", "http://r",
                    "matching.probation.enter-rate", "0.4", "matching.probation.leave-rate", "0.1",
                    "matching.probation.min-outcomes", "20", "matching.probation.score-factor", "0.25"));
            assertThat(config.settings().matching().probation())
                    .isEqualTo(new io.capmarket.topology.core.ProbationPolicy(0.4, 0.1, 20, 0.25));
            assertThat(TopologyConfig.of(Map.of("bootstrap.servers", "k:9092", "schema.registry.url", "http://r"))
                    .settings().matching().probation()).isEqualTo(io.capmarket.topology.core.ProbationPolicy.ofDefaults());

            assertThatThrownBy(() -> TopologyConfig.of(Map.of("bootstrap.servers", "k:9092", "schema.registry.url", "http://r",
                    "matching.probation.enter-rate", "0.3", "matching.probation.leave-rate", "0.3")))
                    .hasMessage("matching.probation.leave-rate must be less than matching.probation.enter-rate (0.3), but was '0.3'");
            assertThatThrownBy(() -> TopologyConfig.of(Map.of("bootstrap.servers", "k:9092", "schema.registry.url", "http://r",
                    "matching.probation.score-factor", "0")))
                    .hasMessage("matching.probation.score-factor must be a number from 0.01 to 1, but was '0'");
        }

        @Test
        void theScorecardIntervalFitsInItsWindow() {
            assertThatThrownBy(() -> TopologyConfig.of(Map.of("bootstrap.servers", "k:9092", "schema.registry.url", "http://r",
                    "scorecard.window", "1m", "scorecard.interval", "2m")))
                    .hasMessage("scorecard.interval must not be longer than scorecard.window (1m), but was '2m'");
        }

        @Test
        void unknownKeysAreErrorsWithADidYouMeanWhenClose() {
            refusing("matching.accept-deadlin", "30s")
                    .hasMessage("unknown setting matching.accept-deadlin; did you mean matching.accept-deadline?");
            refusing("matching.accept_deadline", "30s")
                    .hasMessage("unknown setting matching.accept_deadline; did you mean matching.accept-deadline?");
            refusing("boostrap.servers", "k:9092").hasMessage("unknown setting boostrap.servers; did you mean bootstrap.servers?");
            refusing("colour", "blue").hasMessage("unknown setting colour");
        }

        @Test
        void everyProblemIsReportedAtOnce() {
            assertThatThrownBy(() -> TopologyConfig.of(Map.of("bootstrap.servers", "k:9092", "schema.registry.url", "http://r",
                    "topics.partitions", "0", "matching.accept-deadline", "soon", "colour", "blue")))
                    .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                            "unknown setting colour",
                            "matching.accept-deadline must be a duration like 30s or 500ms, but was 'soon'",
                            "topics.partitions must be an integer from 1 to 10000, but was '0'"));
        }
    }

    @Nested
    class StreamsPassThrough {

        @Test
        void streamsSettingsPassThroughAndWin() {
            Map<String, String> settings = new HashMap<>(REQUIRED);
            settings.put("streams.commit.interval.ms", "250");
            settings.put("streams.producer.compression.type", "zstd");
            settings.put("streams.security.protocol", "SASL_SSL");
            TopologyConfig config = TopologyConfig.of(settings);

            assertThat(config.streamsOverrides()).containsOnly(Map.entry("commit.interval.ms", "250"),
                    Map.entry("producer.compression.type", "zstd"), Map.entry("security.protocol", "SASL_SSL"));
            Properties props = config.streamsProperties(EngineEvents.NONE);
            assertThat(props).containsEntry("commit.interval.ms", "250").containsEntry("producer.compression.type", "zstd");
            assertThat(config.clientConfig()).containsOnly(Map.entry("bootstrap.servers", "localhost:9092"),
                    Map.entry("security.protocol", "SASL_SSL"));
        }

        @Test
        void anInstanceIdMakesAStaticMemberAndASilentMemberIsDroppedAfterTenSeconds() {
            Map<String, String> settings = new HashMap<>(REQUIRED);
            settings.put("instance.id", "topology-0");

            Properties props = TopologyConfig.of(settings).streamsProperties(EngineEvents.NONE);
            Properties anonymous = TopologyConfig.of(REQUIRED).streamsProperties(EngineEvents.NONE);

            assertThat(props).containsEntry("main.consumer.group.instance.id", "topology-0")
                    .containsEntry("main.consumer.session.timeout.ms", "10000");
            assertThat(anonymous).doesNotContainKey("main.consumer.group.instance.id")
                    .containsEntry("main.consumer.session.timeout.ms", "10000");
            settings.put("streams.main.consumer.session.timeout.ms", "6000");
            assertThat(TopologyConfig.of(settings).streamsProperties(EngineEvents.NONE))
                    .as("a streams.* setting wins").containsEntry("main.consumer.session.timeout.ms", "6000");
            settings.put("instance.id", "no spaces");
            assertThatThrownBy(() -> TopologyConfig.of(settings)).hasMessageContaining("instance.id");
        }

        @Test
        void settingsCapmarketOwnsAreRefusedInFavourOfTheirKey() {
            refusing("streams.application.id", "x")
                    .hasMessage("streams.application.id is set by capmarket from application.id; set application.id instead");
            refusing("streams.processing.guarantee", "at_least_once")
                    .hasMessage("streams.processing.guarantee is set by capmarket from processing.guarantee; "
                            + "set processing.guarantee instead");
            refusing("streams.errors.dead.letter.queue.topic.name", "x").hasMessageContaining("set topics.prefix instead");
        }

        @Test
        void theStreamsPropertiesCarryCapmarketsChoices() {
            EngineEvents events = new EngineEvents() {
            };
            Map<String, String> settings = new HashMap<>(REQUIRED);
            settings.put("topics.prefix", "acme.");
            settings.put("topics.replication-factor", "3");
            settings.put("num.stream.threads", "2");
            settings.put("num.standby.replicas", "1");
            settings.put("state.dir", "/data/streams");
            Properties props = TopologyConfig.of(settings).streamsProperties(events);

            assertThat(props)
                    .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "capmarket-topology")
                    .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092")
                    .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                    .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2")
                    .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1")
                    .containsEntry(StreamsConfig.STATE_DIR_CONFIG, Path.of("/data/streams").toString())
                    .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, "3")
                    .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                            DeadLetterDeserializationHandler.class.getName())
                    .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName())
                    .containsEntry(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class.getName())
                    .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "acme.dead-letters")
                    .containsEntry(DeadLetters.EVENTS_CONFIG, events)
                    .containsEntry(DeadLetters.GLOBAL_TOPICS_CONFIG, "acme.approval-policies,acme.contract-owners,acme.producer-liveness,acme.producers,acme.quotas")
                    .containsEntry("producer.compression.type", "none")
                    .containsEntry("producer.acks", "all")
                    .containsEntry("producer.batch.size", "262144")
                    .containsEntry("producer.buffer.memory", "67108864")
                    .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1")
                    .containsEntry(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, "-1");
            new StreamsConfig(props); // Kafka accepts them
        }
    }

    @Nested
    class CredentialsFromFiles {

        @TempDir
        Path dir;

        private final String jaas = ClientSettings.scramJaasConfig("capmarket-topology", "t0p-s3cret");

        /** What {@code capmarket platform onboard --role topology --out FILE} writes. */
        private Path topologySettingsFile() {
            Map<String, String> values = new java.util.LinkedHashMap<>();
            values.put("bootstrap.servers", "kafka:9092");
            values.put("security.protocol", "SASL_PLAINTEXT");
            values.put("sasl.mechanism", "SCRAM-SHA-512");
            values.put("sasl.jaas.config", jaas);
            values.put("schema.registry.url", "http://registry:8081");
            values.put("basic.auth.credentials.source", "USER_INFO");
            values.put("basic.auth.user.info", "capmarket-topology:r3g-s3cret");
            return ClientSettings.of(values).write(dir.resolve("capmarket-topology.properties"), "the topology's settings");
        }

        @Test
        void theClientPropertiesFileFillsEveryKeyNotSetOtherwise() {
            Path file = topologySettingsFile();

            TopologyConfig config = TopologyConfig.load(null, Map.of("CAPMARKET_CLIENT_PROPERTIES", file.toString(),
                    "CAPMARKET_BOOTSTRAP_SERVERS", "other:9092", "CAPMARKET_STREAMS_COMMIT_INTERVAL_MS", "250"));

            assertThat(config.bootstrapServers()).isEqualTo("other:9092");
            assertThat(config.schemaRegistryUrl()).isEqualTo("http://registry:8081");
            assertThat(config.schemaRegistryUserInfo()).contains("capmarket-topology:r3g-s3cret");
            assertThat(config.streamsOverrides()).containsOnly(Map.entry("security.protocol", "SASL_PLAINTEXT"),
                    Map.entry("sasl.mechanism", "SCRAM-SHA-512"), Map.entry("sasl.jaas.config", jaas),
                    Map.entry("commit.interval.ms", "250"));
            assertThat(config.clientConfig()).containsEntry("sasl.jaas.config", jaas).containsEntry("bootstrap.servers", "other:9092");
            assertThat(config.streamsProperties(EngineEvents.NONE)).containsEntry("sasl.jaas.config", jaas);
            assertThat(config.warnings()).isEmpty();
            assertThat(config.describe()).doesNotContain("t0p-s3cret", "r3g-s3cret");
            assertThat(config.with(Map.of("http.port", "0")).schemaRegistryUserInfo()).contains("capmarket-topology:r3g-s3cret");
        }

        @Test
        void aMissingOrAnotherPrincipalsFileIsAProblemNamingIt() throws IOException {
            Path missing = dir.resolve("missing.properties");
            assertThatThrownBy(() -> TopologyConfig.load(null, Map.of("CAPMARKET_CLIENT_PROPERTIES", missing.toString(),
                    "CAPMARKET_BOOTSTRAP_SERVERS", "k:9092", "CAPMARKET_SCHEMA_REGISTRY_URL", "http://r:8081")))
                    .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                            "client.properties must be a readable .properties file, but '" + missing + "' could not be read ("
                                    + "java.nio.file.NoSuchFileException: " + missing + ") (from environment variable "
                                    + "CAPMARKET_CLIENT_PROPERTIES)"));
            Path producers = Files.writeString(dir.resolve("producer.db-team.properties"),
                    "bootstrap.servers=kafka:9092\nauto.register.schemas=false\n");
            refusing("client.properties", producers.toString()).hasMessageContaining("client.properties must hold the topology's "
                    + "client settings, but '" + producers + "' does not: auto.register.schemas is a producer's or a team's "
                    + "serializer setting");
        }

        @Test
        void kafkasConfigProvidersResolveInEveryClientTheTopologyMakes() throws IOException {
            Path secrets = Files.writeString(dir.resolve("secrets.properties"), "topology.jaas=" + jaas + "\n");
            Map<String, String> settings = new HashMap<>(REQUIRED);
            settings.put("streams.config.providers", "file");
            settings.put("streams.config.providers.file.class", FileConfigProvider.class.getName());
            settings.put("streams.security.protocol", "SASL_PLAINTEXT");
            settings.put("streams.sasl.mechanism", "SCRAM-SHA-512");
            settings.put("streams.sasl.jaas.config", "${file:" + secrets + ":topology.jaas}");
            TopologyConfig config = TopologyConfig.of(settings);

            // the admin client and the approvals' producer: the provider's class reaches them with the reference
            assertThat(new AdminClientConfig(config.clientConfig()).getPassword("sasl.jaas.config").value()).isEqualTo(jaas);
            // Kafka Streams resolves the reference once and hands every client it makes the value
            StreamsConfig streams = new StreamsConfig(config.streamsProperties(EngineEvents.NONE));
            assertThat(streams.getAdminConfigs("topology")).containsEntry("sasl.jaas.config", jaas);
            assertThat(streams.getMainConsumerConfigs("topology", "consumer", 0)).containsEntry("sasl.jaas.config", jaas);
            assertThat(config.describe()).doesNotContain("t0p-s3cret");
        }
    }

    @Nested
    class Outputs {

        @Test
        void theCatalogueFollowsPrefixPartitionsAndReplication() {
            Topics topics = TopologyConfig.of(Map.of("bootstrap.servers", "k:9092", "schema.registry.url", "http://r:8081",
                    "topics.prefix", "acme.", "topics.partitions", "3", "topics.replication-factor", "2")).topics();

            assertThat(topics.requests().name()).isEqualTo("acme.requests");
            assertThat(topics.requests().spec().partitions()).isEqualTo(3);
            assertThat(topics.requests().spec().replicationFactor()).contains((short) 2);
            assertThat(topics.registry()).hasValueSatisfying(r -> assertThat(r.config().urls()).hasSize(1));
        }

        @Test
        void registryCredentialsReachTheSerdesAndAreMaskedInDescriptions() {
            TopologyConfig config = with("schema.registry.basic.auth.user.info", "alice:s3cret");

            assertThat(config.serdeConfig()).containsEntry("basic.auth.credentials.source", "USER_INFO")
                    .containsEntry("basic.auth.user.info", "alice:s3cret");
            assertThat(config.describe()).contains("schema.registry.basic.auth.user.info=alice:****").doesNotContain("s3cret");
        }

        @Test
        void withReplacesSettingsUnderTheSameRules() {
            TopologyConfig config = with("producers.approved", "db-team=postgres-database");

            TopologyConfig changed = config.with(Map.of("http.port", "0", "matching.accept-deadline", "5s"));

            assertThat(changed.httpPort()).isZero();
            assertThat(changed.httpHost()).as("every address by default").isEqualTo("0.0.0.0");
            assertThat(config.with(Map.of("http.host", "127.0.0.1")).httpHost()).isEqualTo("127.0.0.1");
            assertThatThrownBy(() -> config.with(Map.of("http.host", "not a host!"))).isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("http.host must be a host name or IP address");
            assertThat(changed.settings().acceptDeadline()).isEqualTo(Duration.ofSeconds(5));
            assertThat(changed.approvedProducers()).isEqualTo(config.approvedProducers());
            assertThat(changed.bootstrapServers()).isEqualTo(config.bootstrapServers());
            assertThatThrownBy(() -> config.with(Map.of("http.port", "x"))).isInstanceOf(InvalidConfigException.class);
        }

        @Test
        void theDiscoveryIntervalIsHowOftenTheMainConsumerRefreshesItsMetadata() {
            Properties defaults = TopologyConfig.of(REQUIRED).streamsProperties(EngineEvents.NONE);
            Properties quick = with("topics.discovery-interval", "1s").streamsProperties(EngineEvents.NONE);

            assertThat(defaults).containsEntry("main.consumer.metadata.max.age.ms", "10000");
            assertThat(quick).containsEntry("main.consumer.metadata.max.age.ms", "1000");
            assertThat(new StreamsConfig(quick).getMainConsumerConfigs("group", "client", 0))
                    .containsEntry("metadata.max.age.ms", "1000");
            assertThat(with("topics.discovery-interval", "24d").topicsDiscoveryInterval()).isEqualTo(Duration.ofDays(24));
            refusing("topics.discovery-interval", "50ms")
                    .hasMessage("topics.discovery-interval must be a duration from 100ms to 24d, but was '50ms'");
            refusing("topics.discovery-interval", "25d")
                    .hasMessage("topics.discovery-interval must be a duration from 100ms to 24d, but was '25d'");
            refusing("topics.discovery-interval", "often")
                    .hasMessage("topics.discovery-interval must be a duration from 100ms to 24d, but was 'often'");
            refusing("streams.main.consumer.metadata.max.age.ms", "1000").hasMessage("streams.main.consumer.metadata.max.age.ms "
                    + "is set by capmarket from topics.discovery-interval; set topics.discovery-interval instead");
            assertThat(TopologyConfig.describeKeys()).contains("topics.discovery-interval (default 10s)")
                    .contains("env CAPMARKET_TOPICS_DISCOVERY_INTERVAL");
        }

        @Test
        void helpListsEveryKeyWithItsDefaultAndVariable() {
            assertThat(TopologyConfig.describeKeys())
                    .contains("bootstrap.servers (required)")
                    .contains("matching.accept-deadline (default 30s)")
                    .contains("env CAPMARKET_MATCHING_ACCEPT_DEADLINE")
                    .contains("streams.*");
        }
    }

    @Nested
    class ApprovedProducers {

        @Test
        void producersAndTheirCapabilitiesAreParsedInOrder() {
            TopologyConfig config = with("producers.approved", "db-team=postgres-database, kafka-topic; ci-team=*;");

            assertThat(config.approvedProducers()).containsExactly(
                    Map.entry("db-team", List.of("postgres-database", "kafka-topic")),
                    Map.entry("ci-team", List.of("*")));
        }

        @Test
        void theOneProducerFormAddsToTheList() {
            Map<String, String> settings = new HashMap<>(REQUIRED);
            settings.put("producers.approved", "db-team=postgres-database");
            settings.put("producers.approved.net-team", "vpn-tunnel,dns-record");

            assertThat(TopologyConfig.of(settings).approvedProducers()).containsExactly(
                    Map.entry("db-team", List.of("postgres-database")),
                    Map.entry("net-team", List.of("vpn-tunnel", "dns-record")));
        }

        @Test
        void badEntriesNameTheProblem() {
            String rule = "producers.approved must be a list like db-team=postgres-database,kafka-topic;ci-team=*, but was ";
            refusing("producers.approved", "db-team").hasMessage(rule + "'db-team': 'db-team' has no '='");
            refusing("producers.approved", "db team=x")
                    .hasMessageStartingWith(rule + "'db team=x': producerId must be").hasMessageEndingWith("but was 'db team'");
            refusing("producers.approved", "db-team=Postgres").hasMessage(rule
                    + "'db-team=Postgres': capability must be a kebab-case name like postgres-database, or '*', but was 'Postgres'");
            refusing("producers.approved", "db-team=a;db-team=b").hasMessage(rule
                    + "'db-team=a;db-team=b': producer 'db-team' is listed twice");
            refusing("producers.approved.db-team", "*,x").hasMessageStartingWith(
                    "producers.approved.db-team must be a comma-separated list of capabilities (or *) for a valid producer id, "
                            + "but was '*,x'");
            Map<String, String> twice = new HashMap<>(REQUIRED);
            twice.put("producers.approved", "db-team=a");
            twice.put("producers.approved.db-team", "b");
            assertThatThrownBy(() -> TopologyConfig.of(twice))
                    .hasMessage("producers.approved.db-team repeats producer 'db-team', already listed in producers.approved");
        }
    }

    @Nested
    class Sources {

        @TempDir
        Path dir;

        @Test
        void aPropertiesFileThenTheEnvironment() throws IOException {
            Path file = Files.writeString(dir.resolve("topology.properties"), """
                    bootstrap.servers=file:9092
                    schema.registry.url=http://file:8081
                    topics.partitions=3
                    matching.accept-deadline=10s
                    streams.commit.interval.ms=500
                    """);

            TopologyConfig config = TopologyConfig.load(file, Map.of(
                    "CAPMARKET_BOOTSTRAP_SERVERS", "env:9092",
                    "CAPMARKET_MATCHING_ACCEPT_DEADLINE", "20s",
                    "CAPMARKET_TOPICS_REPLICATION_FACTOR", "2",
                    "CAPMARKET_STREAMS_PRODUCER_LINGER_MS", "5",
                    "HOME", "/root"));

            assertThat(config.bootstrapServers()).isEqualTo("env:9092");
            assertThat(config.schemaRegistryUrl()).isEqualTo("http://file:8081");
            assertThat(config.topicsPartitions()).isEqualTo(3);
            assertThat(config.topicsReplicationFactor()).contains((short) 2);
            assertThat(config.settings().acceptDeadline()).isEqualTo(Duration.ofSeconds(20));
            assertThat(config.streamsOverrides()).containsOnly(Map.entry("commit.interval.ms", "500"),
                    Map.entry("producer.linger.ms", "5"));
            assertThat(config.warnings()).isEmpty();
        }

        @Test
        void aYamlFileWithNestedKeysListsAndAProducerMap() throws IOException {
            Path file = Files.writeString(dir.resolve("topology.yaml"), """
                    bootstrap.servers: localhost:9092
                    schema:
                      registry:
                        url: http://localhost:8081
                    matching:
                      accept-deadline: 45s
                      weights:
                        reliability: 4
                    producers:
                      approved:
                        db-team: [postgres-database, kafka-topic]
                        ci-team: "*"
                    streams:
                      commit.interval.ms: 200
                    """);

            TopologyConfig config = TopologyConfig.load(file, Map.of());

            assertThat(config.schemaRegistryUrl()).isEqualTo("http://localhost:8081");
            assertThat(config.settings().acceptDeadline()).isEqualTo(Duration.ofSeconds(45));
            assertThat(config.settings().matching().reliabilityWeight()).isEqualTo(4.0);
            assertThat(config.approvedProducers()).containsExactly(
                    Map.entry("db-team", List.of("postgres-database", "kafka-topic")), Map.entry("ci-team", List.of("*")));
            assertThat(config.streamsOverrides()).containsOnly(Map.entry("commit.interval.ms", "200"));
        }

        @Test
        void problemsSayWhereTheValueCameFrom() throws IOException {
            Path file = Files.writeString(dir.resolve("topology.yml"), """
                    bootstrap.servers: localhost:9092
                    schema.registry.url: http://localhost:8081
                    matching.accept-deadline: soon
                    colour: blue
                    """);

            assertThatThrownBy(() -> TopologyConfig.load(file, Map.of("CAPMARKET_TOPICS_PARTITIONS", "none")))
                    .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                            "matching.accept-deadline must be a duration like 30s or 500ms, but was 'soon' (in " + file + ")",
                            "unknown setting colour (in " + file + ")",
                            "topics.partitions must be an integer from 1 to 10000, but was 'none' "
                                    + "(from environment variable CAPMARKET_TOPICS_PARTITIONS)"));
        }

        @Test
        void otherCapmarketVariablesAreIgnoredWithAWarning() {
            TopologyConfig config = TopologyConfig.load(null, Map.of(
                    "CAPMARKET_BOOTSTRAP_SERVERS", "k:9092",
                    "CAPMARKET_SCHEMA_REGISTRY_URL", "http://r:8081",
                    "CAPMARKET_MATCHING_ACCEPT_DEADLIN", "5s",
                    "CAPMARKET_GATEWAY_PORT", "8080"));

            assertThat(config.warnings()).containsExactly(
                    "ignoring environment variable CAPMARKET_GATEWAY_PORT: not a topology setting",
                    "ignoring environment variable CAPMARKET_MATCHING_ACCEPT_DEADLIN: not a topology setting "
                            + "(did you mean CAPMARKET_MATCHING_ACCEPT_DEADLINE?)");
            assertThat(config.settings().acceptDeadline()).isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        void filesMustExistAndHaveAKnownFormat() throws IOException {
            Path missing = dir.resolve("nope.yaml");
            assertThatThrownBy(() -> TopologyConfig.load(missing, Map.of()))
                    .hasMessage("config file " + missing + " does not exist");
            Path json = Files.writeString(dir.resolve("topology.json"), "{}");
            assertThatThrownBy(() -> TopologyConfig.load(json, Map.of()))
                    .hasMessage("config file " + json + " must end in .properties, .yaml or .yml");
            Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
            assertThatThrownBy(() -> TopologyConfig.load(list, Map.of()))
                    .hasMessage("config file " + list + " must hold a map of settings");
            Path empty = Files.writeString(dir.resolve("empty.yaml"), "bootstrap.servers:\n");
            assertThatThrownBy(() -> TopologyConfig.load(empty, Map.of()))
                    .isInstanceOfSatisfying(InvalidConfigException.class,
                            e -> assertThat(e.problems()).contains("bootstrap.servers has no value"));
        }

        @Test
        void theShippedExampleLoads() throws Exception {
            Path example = Path.of(TopologyConfigTest.class.getResource("/capmarket-topology.example.yaml").toURI());

            TopologyConfig config = TopologyConfig.load(example, Map.of());

            assertThat(config.settings()).isEqualTo(TopologySettings.ofDefaults());
            assertThat(config.approvedProducers()).as("no producer approved by copying it").isEmpty();
            assertThat(Optional.of(config.httpPort())).contains(9464);
            assertThat(config.streamsOverrides()).as("no Kafka Streams setting changed").isEmpty();
            // every key is there, set or commented out: its last segment at least, as YAML nests the others
            String text = Files.readString(example);
            assertThat(TopologyConfig.KEYS).allSatisfy(key -> assertThat(text).as(key.name())
                    .contains(key.name().substring(key.name().lastIndexOf('.') + 1) + ":"));
        }
    }
}
