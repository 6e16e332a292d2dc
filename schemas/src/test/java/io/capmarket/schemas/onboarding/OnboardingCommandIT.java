package io.capmarket.schemas.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.EmbeddedKafkaBroker;
import io.capmarket.testkit.kafka.SecureKafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./capmarket producer|team onboard|offboard} and {@code platform onboard} against the secure broker, as an administrator runs it. */
@ExtendWith(SecureKafkaBrokerExtension.class)
class OnboardingCommandIT {

    private final EmbeddedKafkaBroker kafka;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final String prefix = "cli-" + run + ".";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private EmbeddedSchemaRegistry registry;
    private Path adminProperties;

    OnboardingCommandIT(EmbeddedKafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void adminSettings(@TempDir Path dir) throws Exception {
        registry = EmbeddedSchemaRegistry.builder().basicAuth("registry-admin", "admin-secret")
                .readOnlyUser("reader", "reader-secret").build().start();
        StringBuilder text = new StringBuilder();
        kafka.adminClientConfig().forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        text.append("schema.registry.url=").append(registry.url()).append('\n')
                .append("basic.auth.user.info=registry-admin:admin-secret\n")
                .append("capmarket.clients.basic.auth.user.info=reader:reader-secret\n");
        adminProperties = Files.writeString(dir.resolve("admin.properties"), text);
        Topics topics = Topics.builder().prefix(prefix).partitions(1).build();
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(topics.sharedSpecs());
        }
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void onboardPrintsSettingsThatWorkAndOffboardTakesThemBack(@TempDir Path dir) throws Exception {
        String producer = "db-" + run;
        Path file = dir.resolve("credentials").resolve(producer + ".properties");

        int code = run("producer", "onboard", "--producer-id", producer, "--capabilities", "postgres-database",
                "--command-config", adminProperties.toString(), "--topics-prefix", prefix, "--partitions", "1", "--out", file.toString(), "--by", "alice");

        assertThat(code).as(err()).isEqualTo(OnboardingCommand.OK);
        assertThat(out()).contains("# capmarket: producer " + producer + " onboarded for postgres-database as User:producer."
                + producer, "# client settings written to " + file);
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        ClientSettings settings = ClientSettings.read(file);
        assertThat(settings.asMap()).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("schema.registry.url", registry.url()).containsEntry("basic.auth.user.info", "reader:reader-secret")
                .containsEntry("auto.register.schemas", "false").containsKey("sasl.jaas.config");
        Topics topics = Topics.builder().prefix(prefix).serdeConfig(settings.serdeConfig()).build();
        try (KafkaProducer<String, io.capmarket.schemas.CapabilityOffer> client = new KafkaProducer<>(producerConfig(settings),
                new StringSerializer(), topics.offers(producer).valueSerde().serializer())) {
            client.send(new ProducerRecord<>(topics.offers(producer).name(), "pg", Records.offer(producer))).get();
            Throwable refused = catchThrowable(() -> client.send(new ProducerRecord<>(topics.catalog().name(), "x", null)).get());
            assertThat(refused).isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
        }

        code = run("producer", "offboard", "--producer-id", producer, "--command-config", adminProperties.toString(),
                "--topics-prefix", prefix);

        assertThat(code).as(err()).isEqualTo(OnboardingCommand.OK);
        assertThat(out()).contains("approval revoked", "ACLs deleted: 6; credential deleted", "topics kept");
    }

    @Test
    void teamOnboardPrintsTheBotsSettingsOnStandardOutput() throws Exception {
        String team = "payments-" + run;

        int code = run("team", "onboard", "--team", team, "--command-config", adminProperties.toString(), "--topics-prefix", prefix);

        assertThat(code).as(err()).isEqualTo(OnboardingCommand.OK);
        Properties printed = new Properties();
        printed.load(new StringReader(out()));
        assertThat(printed.getProperty("sasl.jaas.config")).contains("username=\"team." + team + "\"");
        assertThat(out()).contains("# capmarket: team " + team + " onboarded as User:team." + team,
                "# topics: " + prefix + "team." + team + ".requests");

        assertThat(run("team", "offboard", "--team", team, "--command-config", adminProperties.toString(), "--topics-prefix", prefix,
                "--delete-topics")).isEqualTo(OnboardingCommand.OK);
        assertThat(out()).contains("topics deleted: " + prefix + "team." + team + ".requests");
    }

    @Test
    void platformOnboardGivesTheTopologyAndTheGatewayEachTheirOwnPrincipal(@TempDir Path dir) throws Exception {
        String topologyUser = "topology-" + run;
        String gatewayUser = "gateway-" + run;
        Path topologyFile = dir.resolve(topologyUser + ".properties");
        Path gatewayFile = dir.resolve(gatewayUser + ".properties");
        Path gatewayConfig = Files.writeString(dir.resolve("onboard-gateway.properties"), Files.readString(adminProperties)
                + OnboardingCommand.PLATFORM_REGISTRY_USER_INFO + "=" + gatewayUser + ":g4te\n");

        int topologyCode = run("platform", "onboard", "--role", "topology", "--principal", topologyUser, "--application-id",
                topologyUser, "--command-config", adminProperties.toString(), "--topics-prefix", prefix, "--out", topologyFile.toString());
        String topologyOut = out();
        int gatewayCode = run("platform", "onboard", "--role", "gateway", "--principal", gatewayUser, "--application-id",
                "gw-app-" + run, "--command-config", gatewayConfig.toString(), "--topics-prefix", prefix, "--out", gatewayFile.toString());

        assertThat(topologyCode).as(err()).isEqualTo(OnboardingCommand.OK);
        assertThat(gatewayCode).as(err()).isEqualTo(OnboardingCommand.OK);
        assertThat(topologyOut).contains("# capmarket: platform topology onboarded as User:" + topologyUser + " (application.id "
                + topologyUser + ")", "# topics: none created", "# client settings written to " + topologyFile);
        ClientSettings topology = ClientSettings.read(topologyFile);
        ClientSettings gateway = ClientSettings.read(gatewayFile);
        assertThat(topology.get("sasl.jaas.config").orElseThrow()).contains("username=\"" + topologyUser + "\"");
        // the platform registers the platform's schemas: its registry user is the one given, else the admin's
        assertThat(topology.asMap()).containsEntry("basic.auth.user.info", "registry-admin:admin-secret")
                .doesNotContainKey("auto.register.schemas");
        assertThat(gateway.asMap()).containsEntry("basic.auth.user.info", gatewayUser + ":g4te");

        // each may write what its role writes, and only that
        try (KafkaProducer<String, String> asTopology = new KafkaProducer<>(producerConfig(topology), new StringSerializer(),
                new StringSerializer()); KafkaProducer<String, String> asGateway = new KafkaProducer<>(producerConfig(gateway),
                new StringSerializer(), new StringSerializer())) {
            asTopology.send(new ProducerRecord<>(prefix + "catalog", "k", null)).get();
            asGateway.send(new ProducerRecord<>(prefix + "requests", "k", null)).get();
            Throwable refused = catchThrowable(() -> asGateway.send(new ProducerRecord<>(prefix + "catalog", "k", null)).get());
            assertThat(refused).isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
        }
        // the gateway's Streams internals are under the application id it was onboarded with
        assertThat(acls("User:" + gatewayUser)).extracting(binding -> binding.pattern().resourceType() + " "
                + binding.pattern().patternType() + " " + binding.pattern().name())
                .contains("TRANSACTIONAL_ID PREFIXED gw-app-" + run + "-", "GROUP LITERAL gw-app-" + run,
                        "TOPIC PREFIXED gw-app-" + run + "-");
    }

    @Test
    void aKafkaRefusalExitsWith1() throws Exception {
        Path wrong = Files.writeString(adminProperties.resolveSibling("wrong.properties"), Files.readString(adminProperties)
                .replace(kafka.adminPassword(), "not-the-password"));

        int code = run("team", "onboard", "--team", "t-" + run, "--command-config", wrong.toString(), "--topics-prefix", prefix);

        assertThat(code).isEqualTo(OnboardingCommand.FAILED);
        // the topics are checked first, before any credential changes
        assertThat(err()).contains("capmarket team onboard: describing " + prefix + "requests failed: "
                + "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512");
    }

    @Test
    void aSubjectHoldingAContradictingSchemaIsNotCalledSafeToRetry() throws Exception {
        String producer = "clash-" + run;
        String subject = prefix + "producer." + producer + ".offers-value";
        io.capmarket.schemas.registry.SchemaRegistryClient.create(io.capmarket.schemas.registry.SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", registry.url(), "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "registry-admin:admin-secret"))).register(subject, new org.apache.avro.Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"CapabilityOffer\",\"namespace\":\"io.capmarket.schemas\","
                        + "\"fields\":[{\"name\":\"legacy\",\"type\":\"int\"}]}"));

        int code = run("producer", "onboard", "--producer-id", producer, "--capabilities", "postgres-database",
                "--command-config", adminProperties.toString(), "--topics-prefix", prefix);

        assertThat(code).isEqualTo(OnboardingCommand.FAILED);
        assertThat(err()).contains("running again will not help until the subject's schemas or compatibility are put right")
                .doesNotContain("running again is safe");
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return OnboardingCommand.run(args, Map.of("USER", "it"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Collection<AclBinding> acls(String principal) throws Exception {
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            return admin.describeAcls(new AclBindingFilter(new ResourcePatternFilter(ResourceType.ANY, null, PatternType.ANY),
                    new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY))).values().get();
        }
    }

    private static Map<String, Object> producerConfig(ClientSettings settings) {
        Map<String, Object> config = new HashMap<>(settings.kafkaClientConfig());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return config;
    }
}
