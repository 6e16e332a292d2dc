package io.capmarket.dev;

import static io.capmarket.dev.ComposeFile.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.capmarket.dev.ComposeFile.Mount;
import io.capmarket.gateway.GatewayConfig;
import io.capmarket.gateway.internal.GatewayTopics;
import io.capmarket.schemas.access.AccessPolicy;
import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.onboarding.OnboardingCommand;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.sync.SyncCommand;
import io.capmarket.testkit.kafka.EmbeddedKafkaBroker;
import io.capmarket.testkit.net.LocalPorts;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.topology.app.TopologyConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml's Kafka side, as far as it runs without Docker, in the order the stack
 * starts: the stack's own scripts draw the secrets ({@code deploy/secrets/generate.sh}) and format
 * the storage ({@code deploy/kafka/format-storage.sh}, with the broker's variables); the in-JVM
 * broker starts with the file's Kafka settings as the apache/kafka image turns them into
 * {@code server.properties} (only hosts, ports and paths adapted); the broker's health check runs;
 * {@code deploy/kafka/registry-acls.sh} grants the schema registry its ACLs and a registry keeps its
 * schemas in {@code _schemas} as that principal; the init step's onboardings run with the generated
 * admin settings; then the topology, the gateway, the example producer's sync and the team's bots
 * connect with the settings files at the paths the file gives them. Kafka's own command-line tools
 * run from this build's classpath in place of the image's {@code /opt/kafka/bin}.
 *
 * <p>What this cannot cover: the images themselves (their launchers, users, file permissions), the
 * Confluent registry (a registry of the test kit stands in, with the same users), nginx, and Docker's
 * networks and volumes.
 */
class ComposeKafkaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration QUICK = Duration.ofSeconds(5);
    private static final String AUTOMATIC_CONFIG_PROVIDERS = "org.apache.kafka.automatic.config.providers";

    @TempDir
    static Path work;

    private static ComposeFile compose;
    private static Path volumes;
    private static Path kafkaHome;
    private static int port;
    private static int controllerPort;
    private static final Map<String, Optional<String>> systemProperties = new HashMap<>();
    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedSchemaRegistry registry;
    private static int healthCheck = -1;
    private static int imageFormatExit;
    private static String imageFormatOutput = "";
    private static Throwable registryBeforeItsAcls;
    private static final Map<String, String> onboarded = new LinkedHashMap<>();

    @BeforeAll
    static void startAsTheStackDoes() throws Exception {
        compose = ComposeFile.read();
        volumes = Files.createDirectories(work.resolve("volumes"));
        for (Mount mount : compose.mounts("secrets")) {
            if (mount.named() && !mount.source().equals("kafka-data")) {
                Files.createDirectories(volumes.resolve(mount.source()));
            }
        }
        // Kafka's data volume is where the in-JVM broker keeps its log directory (<data>/logs)
        Path brokerData = work.resolve("broker");
        Files.createSymbolicLink(volumes.resolve("kafka-data"), Files.createDirectories(brokerData.resolve("logs")));
        port = LocalPorts.free();
        controllerPort = LocalPorts.free();
        kafkaHome = kafkaTools();

        // secrets: the volumes' secrets, drawn
        run(List.of("bash", bound("secrets", "/deploy/generate.sh"), volumes.toString()), Map.of());
        // kafka-format: the storage, with the admin's and the registry's credentials
        run(List.of("bash", bound("kafka-format", "/deploy/format-storage.sh"), kafkaHome.toString(),
                inHost("kafka-format", "/etc/kafka/secrets"), inHost("kafka-format", "/etc/schema-registry/secrets")),
                adapted("kafka-format", compose.environment("kafka-format")));
        // kafka: the image's server.properties from the same variables
        Map<String, String> broker = adapted("kafka", compose.kafkaBrokerConfig("kafka"));
        for (String option : compose.environment("kafka").getOrDefault("KAFKA_OPTS", "").split("\\s+")) {
            if (option.startsWith("-D")) {
                String[] property = option.substring(2).split("=", 2);
                systemProperties.put(property[0], Optional.ofNullable(System.getProperty(property[0])));
                System.setProperty(property[0], property[1]);
            }
        }
        // the image formats on every start, as its KafkaDockerWrapper does: it must find the storage formatted, the
        // same cluster, and say so in the words its launcher looks for ("already formatted", then it starts Kafka)
        Path serverProperties = work.resolve("server.properties");
        Files.write(serverProperties, broker.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        Process imageFormat = start(List.of(kafkaHome.resolve("bin/kafka-storage.sh").toString(), "format",
                "--cluster-id=" + compose.environment("kafka").get("CLUSTER_ID"), "-c", serverProperties.toString()),
                adapted("kafka", Map.of("KAFKA_OPTS", compose.environment("kafka").get("KAFKA_OPTS"))), true);
        imageFormatOutput = new String(imageFormat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        imageFormatExit = imageFormat.waitFor();
        kafka = EmbeddedKafkaBroker.builder().port(port).dataDirectory(brokerData).brokerConfigs(broker).build().start();
        healthCheck = start(List.of("bash", "-c", adapted("kafka", healthCheckOf("kafka"))),
                adapted("kafka", Map.of("KAFKA_OPTS", compose.environment("kafka").get("KAFKA_OPTS"))), false).waitFor();

        // registry-access: the registry's ACLs (what it could do before them, recorded)
        registryBeforeItsAcls = catchThrowable(() -> {
            try (Admin admin = Admin.create(quick(registryKafkaSettings()))) {
                admin.createTopics(List.of(new NewTopic("_schemas", 1, (short) 1))).all().get();
            }
        });
        run(List.of("bash", bound("registry-access", "/deploy/registry-acls.sh"), kafkaHome.toString(), "127.0.0.1:" + port,
                inHost("registry-access", "/etc/kafka/secrets/admin.properties")), Map.of());
        // schema-registry: a registry keeping its schemas in _schemas as User:schema-registry, with the proxy's users
        ClientSettings admin = ClientSettings.read(Path.of(inHost("init", "/etc/capmarket/admin/admin.properties")));
        String[] adminUser = admin.get("basic.auth.user.info").orElseThrow().split(":", 2);
        String[] clientUser = admin.get(OnboardingCommand.CLIENT_REGISTRY_USER_INFO).orElseThrow().split(":", 2);
        registry = EmbeddedSchemaRegistry.builder().basicAuth(adminUser[0], adminUser[1]).readOnlyUser(clientUser[0], clientUser[1])
                .kafkaClientConfig(registryKafkaSettings()).topic("_schemas").build().start();

        // init: deploy/init/onboard.sh's onboardings, with the admin's settings it is given
        onboard(AccessPolicy.DEFAULT_TOPOLOGY_USER, "platform", "onboard", "--role", "topology", "--command-config",
                inHost("init", "/etc/capmarket/admin/onboard-topology.properties"));
        onboard(AccessPolicy.DEFAULT_GATEWAY_USER, "platform", "onboard", "--role", "gateway", "--command-config",
                inHost("init", "/etc/capmarket/admin/onboard-gateway.properties"));
        for (String producer : compose.environment("init").get("ONBOARD_PRODUCERS").trim().split("\\s+")) {
            String id = producer.substring(0, producer.indexOf('='));
            onboard(AccessPolicy.PRODUCER_USER_PREFIX + id, "producer", "onboard", "--producer-id", id, "--capabilities",
                    producer.substring(producer.indexOf('=') + 1), "--command-config", inHost("init", "/etc/capmarket/admin/admin.properties"),
                    "--by", "compose-init");
        }
        for (String team : compose.environment("init").get("ONBOARD_TEAMS").trim().split("\\s+")) {
            onboard(AccessPolicy.TEAM_USER_PREFIX + team, "team", "onboard", "--team", team, "--command-config",
                    inHost("init", "/etc/capmarket/admin/admin.properties"), "--by", "compose-init");
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        systemProperties.forEach((name, previous) -> previous.ifPresentOrElse(value -> System.setProperty(name, value),
                () -> System.clearProperty(name)));
    }

    @Test
    void theAdminLogsInWithTheCredentialTheStorageWasFormattedWithAndTheHealthCheckPasses() throws Exception {
        assertThat(Path.of(inHost("kafka", compose.environment("kafka").get("KAFKA_LOG_DIRS"))).resolve("meta.properties")).exists();
        assertThat(imageFormatOutput).as("the image's own format step, exit code " + imageFormatExit)
                .containsIgnoringCase("already formatted");
        try (Admin admin = Admin.create(adminSettings())) {
            admin.createTopics(List.of(new NewTopic("compose-check", 1, (short) 1))).all().get();
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo(compose.environment("kafka").get("CLUSTER_ID"));
        }
        assertThat(healthCheck).as("the health check's exit code").isZero();
    }

    @Test
    void noOneGetsInWithoutACredentialNorDoesAnythingWithoutAnAcl() throws Exception {
        try (Admin anonymous = Admin.create(quick(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port)))) {
            assertThatThrownBy(() -> anonymous.listTopics().names().get()).cause().isInstanceOf(TimeoutException.class);
        }
        Map<String, Object> wrongPassword = new HashMap<>(adminSettings());
        wrongPassword.put("sasl.jaas.config", ClientSettings.scramJaasConfig(AccessPolicy.DEFAULT_ADMIN_USER, "guessed"));
        try (Admin guess = Admin.create(quick(wrongPassword))) {
            assertThatThrownBy(() -> guess.listTopics().names().get()).cause().isInstanceOf(SaslAuthenticationException.class);
        }
        try (Admin admin = Admin.create(adminSettings())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("nobody",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "nobodys-password"))).all().get();
            admin.createTopics(List.of(new NewTopic("compose-acl-check", 1, (short) 1))).all().get();
        }
        Map<String, Object> nobody = new HashMap<>(adminSettings());
        nobody.put("sasl.jaas.config", ClientSettings.scramJaasConfig("nobody", "nobodys-password"));
        try (Admin admin = Admin.create(quick(nobody))) {
            assertThat(admin.listTopics().names().get()).as("a principal without ACLs sees no topic").isEmpty();
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("nobodys", 1, (short) 1))).all().get()).cause()
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaProducer<String, String> producer = producer(nobody)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("compose-acl-check", "k", "v")).get()).cause()
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void theControllerPortOpensOnlyToTheNodesOwnSecret() throws Exception {
        Map<String, Object> controller = new HashMap<>(adminSettings());
        controller.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        controller.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, "127.0.0.1:" + controllerPort);
        controller.put("sasl.mechanism", "PLAIN");
        String adminPassword = secret("/etc/kafka/secrets/broker.properties", "admin.password");
        controller.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                + "password=\"" + adminPassword + "\";");
        try (Admin admin = Admin.create(quick(controller))) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get())
                    .as("the admin's password does not open the controller's listener").cause()
                    .isInstanceOf(SaslAuthenticationException.class);
        }
        String node = secret("/etc/kafka/secrets/broker.properties", "controller.sasl.jaas.config");
        controller.put("sasl.jaas.config", node.replaceFirst(" user_admin=\"[^\"]*\"", ""));
        try (Admin admin = Admin.create(quick(controller))) {
            assertThat(admin.describeCluster().clusterId().get()).as("the node's own secret does").isNotBlank();
        }
    }

    @Test
    void theSchemaRegistrysPrincipalKeepsItsSchemasAndDoesNothingElse() throws Exception {
        assertThat(registryBeforeItsAcls).as("before registry-access, the registry's principal could not create _schemas")
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
        try (Admin admin = Admin.create(quick(registryKafkaSettings()))) {
            assertThat(admin.describeTopics(List.of("_schemas")).allTopicNames().get()).containsKey("_schemas");
            assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "_schemas"))).all().get())
                    .hasSize(1);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("not-the-registrys", 1, (short) 1))).all().get())
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }
        // the leader election's group and the reader's, both under the prefix
        Map<String, Object> consumer = new HashMap<>(registryKafkaSettings());
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "schema-registry-registry-8081");
        consumer.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition schemas = new TopicPartition("_schemas", 0);
            reader.assign(List.of(schemas));
            reader.commitSync(Map.of(schemas, new OffsetAndMetadata(0)));
            assertThat(reader.committed(java.util.Set.of(schemas))).containsKey(schemas);
        }
        try (KafkaProducer<String, String> producer = producer(registryKafkaSettings())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("compose-check", "k", "v")).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void initOnboardsEachPrincipalAndEachApplicationConnectsAsItsOwnWithTheFileItIsGiven() throws Exception {
        onboarded.forEach((principal, output) -> assertThat(output).as(principal).contains("onboarded",
                "client settings written to"));

        // topology-1: its settings file, where the file says, provisions the platform's topics as it does at start
        Map<String, String> topologyEnvironment = adapted("topology-1", compose.environment("topology-1"));
        TopologyConfig topology = TopologyConfig.load(null, topologyEnvironment);
        assertThat(topology.warnings()).isEmpty();
        assertThat(topology.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
        try (Admin admin = Admin.create(topology.clientConfig())) {
            new TopicProvisioner(admin, TIMEOUT).ensure(topology.topics().sharedSpecs());
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("outside-the-prefix", 1, (short) 1))).all().get())
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }

        // gateway-1: checks its topics as it does at start, with no right to create them
        GatewayConfig gateway = GatewayConfig.load(null, adapted("gateway-1", compose.environment("gateway-1")));
        try (Admin admin = Admin.create(gateway.clientConfig())) {
            assertThat(GatewayTopics.provision(admin, gateway.topics(), TIMEOUT).created()).isEmpty();
        }

        // demo-offers: the example producer's sync publishes its offers as producer.db-team, schemas looked up read-only
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> entrypoint = List.of(compose.entrypoint("demo-offers").split(" "));
        List<String> arguments = new ArrayList<>(entrypoint.subList(entrypoint.indexOf(SyncCommand.class.getName()) + 1,
                entrypoint.size()));
        arguments.replaceAll(argument -> argument.equals("offers") ? ROOT.resolve("examples/postgres-provider/offers").toString()
                : argument);
        int sync = SyncCommand.run(arguments.toArray(String[]::new), adapted("demo-offers", compose.environment("demo-offers")),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(sync).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(SyncCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Applied:");

        // the team's bots write their own requests and nothing else
        String team = compose.environment("init").get("ONBOARD_TEAMS").trim();
        ClientSettings bots = ClientSettings.read(Path.of(inHost("init", "/credentials/" + AccessPolicy.TEAM_USER_PREFIX + team))
                .resolve(AccessPolicy.TEAM_USER_PREFIX + team + ".properties"));
        Topics topics = Topics.builder().build();
        try (KafkaProducer<String, String> producer = producer(bots.kafkaClientConfig())) {
            producer.send(new ProducerRecord<>(topics.teamRequests(team).name(), "k", null)).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topics.requests().name(), "k", null)).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    // ---- the stack's steps, here -------------------------------------------------------------

    /** Runs an onboarding of the init step against this broker and registry, its settings where the init step writes them. */
    private static void onboard(String principal, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", "127.0.0.1:" + port, "--schema-registry-url", registry.url(),
                "--out", Path.of(inHost("init", "/credentials/" + principal)).resolve(principal + ".properties").toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = OnboardingCommand.run(all.toArray(String[]::new), Map.of("USER", "compose"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(principal + ": " + err.toString(StandardCharsets.UTF_8)).isEqualTo(OnboardingCommand.OK);
        onboarded.put(principal, out.toString(StandardCharsets.UTF_8));
    }

    /** The admin's Kafka settings the stack's health check and registry-access use. */
    private static Map<String, Object> adminSettings() {
        Map<String, Object> settings = new HashMap<>(ClientSettings.read(Path.of(inHost("kafka",
                "/etc/kafka/secrets/admin.properties"))).kafkaClientConfig());
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        return settings;
    }

    /** The schema registry's Kafka settings: its SCHEMA_REGISTRY_KAFKASTORE_* variables and the JAAS line run.sh reads. */
    private static Map<String, Object> registryKafkaSettings() {
        Map<String, Object> settings = new HashMap<>();
        compose.environment("schema-registry").forEach((variable, value) -> {
            if (variable.startsWith("SCHEMA_REGISTRY_KAFKASTORE_SASL_") || variable.equals("SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL")) {
                settings.put(variable.substring("SCHEMA_REGISTRY_KAFKASTORE_".length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                        value);
            }
        });
        settings.put("sasl.jaas.config", secretOf("schema-registry", "/etc/schema-registry/secrets/kafkastore.properties",
                "sasl.jaas.config"));
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        return settings;
    }

    private static String secret(String kafkaPath, String key) {
        return secretOf("kafka", kafkaPath, key);
    }

    private static String secretOf(String service, String path, String key) {
        return ClientSettings.read(Path.of(inHost(service, path))).get(key).orElseThrow(() ->
                new AssertionError(path + " holds no " + key));
    }

    private static String healthCheckOf(String service) {
        List<?> test = (List<?>) ((Map<?, ?>) compose.service(service).get("healthcheck")).get("test");
        assertThat(test.get(0)).isEqualTo("CMD-SHELL");
        return test.get(1).toString();
    }

    /** A path in a service's container, on this machine: under the volume or the file of the repository mounted there. */
    private static String inHost(String service, String path) {
        Mount mount = compose.mounts(service).stream().filter(m -> path.equals(m.target()) || path.startsWith(m.target() + "/"))
                .max(Comparator.comparingInt(m -> m.target().length()))
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + path));
        Path source = mount.named() ? volumes.resolve(mount.source()) : ROOT.resolve(mount.source());
        return (path.equals(mount.target()) ? source : source.resolve(path.substring(mount.target().length() + 1))).toString();
    }

    /** The host file of a script mounted into a service. */
    private static String bound(String service, String target) {
        Mount mount = compose.mountAt(service, target).orElseThrow(() -> new AssertionError(service + " mounts nothing at " + target));
        assertThat(mount.named()).as(target + " is a file of the repository").isFalse();
        return ROOT.resolve(mount.source()).toAbsolutePath().normalize().toString();
    }

    /** Values with the stack's hosts and ports as this machine's, and its containers' paths as the files behind them. */
    private static Map<String, String> adapted(String service, Map<String, String> values) {
        Map<String, String> adapted = new LinkedHashMap<>();
        values.forEach((key, value) -> adapted.put(key, adapted(service, value)));
        return adapted;
    }

    private static String adapted(String service, String value) {
        String adapted = value.replace("kafka:9092", "127.0.0.1:" + port).replace("kafka:9093", "127.0.0.1:" + controllerPort)
                .replace("://:9092", "://127.0.0.1:" + port).replace("://:9093", "://127.0.0.1:" + controllerPort)
                .replace("/opt/kafka/", kafkaHome + "/");
        List<Mount> mounts = new ArrayList<>(compose.mounts(service));
        mounts.sort(Comparator.comparingInt((Mount m) -> m.target().length()).reversed());
        for (Mount mount : mounts) {
            adapted = adapted.replaceAll(java.util.regex.Pattern.quote(mount.target()) + "(?=/|:|\\s|$|\\})",
                    java.util.regex.Matcher.quoteReplacement(inHost(service, mount.target())));
        }
        return adapted;
    }

    /** Kafka's command-line tools the scripts call, as the image's bin/ has them, running from this build's classpath. */
    private static Path kafkaTools() throws IOException {
        Path bin = Files.createDirectories(work.resolve("kafka-home/bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Map<String, String> tools = Map.of(
                "kafka-storage.sh", "kafka.tools.StorageTool",
                "kafka-acls.sh", "org.apache.kafka.tools.AclCommand",
                "kafka-broker-api-versions.sh", "org.apache.kafka.tools.BrokerApiVersionsCommand");
        for (Map.Entry<String, String> tool : tools.entrySet()) {
            Files.writeString(bin.resolve(tool.getKey()), "#!/usr/bin/env bash\nexec '" + java + "' -Xmx256m $KAFKA_OPTS -cp '"
                    + classpath + "' " + tool.getValue() + " \"$@\"\n");
            bin.resolve(tool.getKey()).toFile().setExecutable(true);
        }
        return bin.getParent();
    }

    /** Starts a command with these variables added, its output (with its errors) to read or discarded. */
    private static Process start(List<String> command, Map<String, String> environment, boolean output) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (!output) {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        builder.environment().keySet().removeIf(variable -> variable.startsWith("KAFKA_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Runs a command to its end with these variables added; answers its output. */
    private static String run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(variable -> variable.startsWith("KAFKA_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + " said:\n" + text).isZero();
        return text;
    }

    private static Map<String, Object> quick(Map<String, Object> config) {
        Map<String, Object> quick = new HashMap<>(config);
        quick.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) QUICK.toMillis());
        quick.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) QUICK.toMillis());
        return quick;
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> config) {
        Map<String, Object> producerConfig = new HashMap<>(config);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
    }
}
