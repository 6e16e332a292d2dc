package io.capmarket.dev;

import static io.capmarket.dev.ComposeFile.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.dev.ComposeFile.Mount;
import io.capmarket.gateway.GatewayConfig;
import io.capmarket.schemas.access.AccessPolicy;
import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.onboarding.OnboardingCommand;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.sdk.sync.OfferFiles;
import io.capmarket.topology.app.TopologyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot start on machines without a Docker engine, so the build checks it
 * instead: it parses, it uses only pinned images and capmarket's own Jib images (as the poms build
 * them, see {@link ImagesTest}), every capmarket setting it passes is one the component accepts,
 * and its ports, Prometheus targets, dashboards and topic names agree with the code. It survives:
 * every long-running service has a health check, a restart policy and a memory limit its JVM sizes
 * its heap from, one-shot steps run once, and every dependency waits for health or completion;
 * Kafka's data is on its volume; firing alerts reach Alertmanager, which notifies a webhook; and
 * Grafana has no anonymous admin. And it is the secure shape: Kafka authenticates and
 * authorizes every client, no secret is written in the file, the stack starts in order with the
 * init step before any client of Kafka, each service reads its own principal's credentials and no
 * other's, and the schema registry is reached only through a proxy that lets only the platform
 * change it. {@link ComposeKafkaIT} starts a broker with the file's Kafka settings.
 */
class ComposeFileTest {

    private static final Set<String> IMAGES = Set.of("apache/kafka", "confluentinc/cp-schema-registry", "nginx",
            "prom/prometheus", "prom/alertmanager", "grafana/grafana");
    /** A value Kafka's FileConfigProvider resolves: {@code ${file:<path>:<key>}}. */
    private static final Pattern FILE_REFERENCE = Pattern.compile("\\$\\{file:(/[^:}]+):([^:}]+)}");
    private static final String CLIENT_PROPERTIES = "CAPMARKET_CLIENT_PROPERTIES";

    private final ComposeFile compose = ComposeFile.read();
    private final Map<String, Map<String, Object>> services = compose.services();
    private final Map<String, JibImages.Image> images = JibImages.read();

    @Test
    void imagesArePinnedAndCapmarketsAreTheJibImages() {
        assertThat(services).containsKeys("secrets", "kafka-format", "kafka", "registry-access", "schema-registry", "registry",
                "init", "topology-1", "topology-2", "gateway-1", "gateway-2", "gateway", "demo-offers", "demo-producer",
                "prometheus", "alertmanager", "grafana");
        Map<String, String> jib = new HashMap<>();
        images.forEach((name, image) -> jib.put(image.reference(), name));
        services.keySet().forEach(name -> {
            assertThat(compose.service(name)).as(name + " runs an image, none is built from a Dockerfile").doesNotContainKey("build");
            String image = compose.image(name);
            assertThat(image).as(name).contains(":").doesNotEndWith(":latest");
            assertThat(jib.containsKey(image) || IMAGES.contains(image.substring(0, image.indexOf(':'))))
                    .as(name + " uses a known image or one of capmarket's Jib images: " + image).isTrue();
        });
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("secrets", "cli");
        expected.put("init", "cli");
        expected.put("topology-1", "topology");
        expected.put("topology-2", "topology");
        expected.put("gateway-1", "gateway");
        expected.put("gateway-2", "gateway");
        expected.put("demo-offers", "example-postgres-provider");
        expected.put("demo-producer", "example-postgres-provider");
        expected.forEach((service, image) -> assertThat(compose.image(service)).as(service).isEqualTo(images.get(image).reference()));
        assertThat(ROOT.resolve("broker-topology/Dockerfile")).as("images come from Jib only").doesNotExist();
    }

    @Test
    void capmarketsServicesListenOnTheirImagesPortsAndKeepStateOnTheImagesVolume() {
        for (String service : List.of("topology-1", "topology-2", "gateway-1", "gateway-2")) {
            JibImages.Image image = images.get(service.substring(0, service.indexOf('-')));
            int port = image.ports().get(0);
            assertThat(compose.environment(service)).as(service).containsEntry("CAPMARKET_HTTP_PORT", Integer.toString(port));
            assertThat(healthCheck(service)).as(service + "'s health check asks its readiness on its port")
                    .contains("/dev/tcp/127.0.0.1/" + port).contains("GET /health/ready");
            assertThat(compose.mountAt(service, ImagesTest.STATE)).as(service + " keeps its state on a volume").hasValueSatisfying(m ->
                    assertThat(m.named()).isTrue());
            assertThat(compose.environment(service).get("CAPMARKET_STATE_DIR")).as(service).startsWith(ImagesTest.STATE + "/");
        }
        // the steps run in the command-line image run its programs from Jib's classpath
        assertThat(compose.entrypoint("demo-offers")).contains("-cp " + ImagesTest.CLASSPATH + " ")
                .contains("-XX:MaxRAMPercentage=");
    }

    // ---- a stack that survives ---------------------------------------------------------------

    @Test
    void everyLongRunningServiceSaysWhenItIsHealthyAndRestarts() {
        List<String> oneShots = services.keySet().stream().filter(compose::oneShot).toList();
        assertThat(oneShots).as("the one-shot steps").containsExactlyInAnyOrder("secrets", "kafka-format", "registry-access", "init",
                "demo-offers");
        services.keySet().stream().filter(s -> !compose.oneShot(s)).forEach(service -> {
            assertThat(compose.restart(service)).as(service + " comes back after a crash").isIn("unless-stopped", "always");
            assertThat(healthCheck(service)).as(service + " has a health check").isNotBlank();
            Map<?, ?> check = (Map<?, ?>) compose.service(service).get("healthcheck");
            assertThat(check.get("interval")).as(service + "'s health check interval").isNotNull();
            assertThat(check.get("retries")).as(service + "'s health check retries").isNotNull();
        });
        // a step that failed for good must not run again and again over the stack's data
        for (String step : List.of("secrets", "kafka-format")) {
            assertThat(compose.restart(step)).as(step).isEqualTo("no");
        }
        oneShots.forEach(step -> assertThat(compose.service(step)).as(step).doesNotContainKey("healthcheck"));
    }

    @Test
    void everyDependencyWaitsForHealthOrForAStepToComplete() {
        services.keySet().forEach(service -> compose.dependsOn(service).forEach((dependency, condition) -> {
            String expected = compose.oneShot(dependency) ? "service_completed_successfully" : "service_healthy";
            assertThat(condition).as(service + " waits for " + dependency).isEqualTo(expected);
        }));
        assertThat(compose.dependsOn("gateway")).containsOnlyKeys("gateway-1", "gateway-2");
        assertThat(compose.dependsOn("grafana")).containsKeys("secrets", "prometheus");
        assertThat(compose.dependsOn("prometheus")).containsKey("alertmanager");
    }

    @Test
    void everyServiceHasAMemoryLimitAndEveryJvmSizesItsHeapFromIt() {
        services.keySet().forEach(service -> {
            Object limit = compose.service(service).get("mem_limit");
            assertThat(limit).as(service + " has a memory limit").isNotNull();
            assertThat(limit.toString()).as(service).matches("\\d+[mg]");
        });
        // Kafka (broker, format and its tools through the same variables) and the registry: by their launchers' variables
        assertThat(compose.environment("kafka").get("KAFKA_HEAP_OPTS")).contains("-XX:MaxRAMPercentage=").doesNotContain("-Xmx");
        assertThat(compose.environment("schema-registry").get("SCHEMA_REGISTRY_HEAP_OPTS")).contains("-XX:MaxRAMPercentage=");
        // capmarket's: by their images' JVM flags (ImagesTest), unless a service runs a java command of its own
        services.keySet().stream().filter(s -> compose.entrypoint(s).startsWith("java ")).forEach(service ->
                assertThat(compose.entrypoint(service)).as(service).contains("-XX:MaxRAMPercentage="));
    }

    // ---- capmarket's settings ----------------------------------------------------------------

    @Test
    void topologySettingsAreOnesTheTopologyAccepts(@TempDir Path dir) {
        for (String name : List.of("topology-1", "topology-2")) {
            TopologyConfig config = TopologyConfig.load(null, withSettingsFile(name, AccessPolicy.DEFAULT_TOPOLOGY_USER, dir));
            assertThat(config.warnings()).as(name + ": unrecognized CAPMARKET_ variables").isEmpty();
            assertThat(config.httpPort()).isEqualTo(9464);
            assertThat(config.topics().prefix()).isEqualTo(Topics.DEFAULT_PREFIX);
            assertThat(config.schemaRegistryUserInfo()).as("the registry credentials come from the settings file").isPresent();
            // its ACLs were issued for this application id (init onboards it with the default)
            assertThat(config.applicationId()).isEqualTo(AccessPolicy.DEFAULT_TOPOLOGY_APPLICATION_ID);
            assertThat(config.approvedProducers()).as("approvals are the admin's onboarding, not the topology's settings").isEmpty();
        }
    }

    @Test
    void gatewaySettingsAreOnesTheGatewayAccepts(@TempDir Path dir) {
        for (String name : List.of("gateway-1", "gateway-2")) {
            Map<String, String> environment = withSettingsFile(name, AccessPolicy.DEFAULT_GATEWAY_USER, dir);
            assertThat(environment.keySet()).as(name).allSatisfy(variable ->
                    assertThat(GatewayConfig.readsEnvironmentVariable(variable)).as(variable).isTrue());
            Map<String, String> testable = new HashMap<>(environment);
            testable.remove("CAPMARKET_AUTH_TOKENS_FILE");
            testable.remove("CAPMARKET_INSTANCES_SIGNING_KEY_FILE");
            GatewayConfig config = GatewayConfig.load(null, testable);
            assertThat(config.httpPort()).isEqualTo(8080);
            assertThat(config.topics().prefix()).isEqualTo(Topics.DEFAULT_PREFIX);
            assertThat(config.applicationId()).isEqualTo(AccessPolicy.DEFAULT_GATEWAY_APPLICATION_ID);
            assertThat(environment).containsEntry("CAPMARKET_HTTP_ADVERTISED_HOST", name);
        }
    }

    @Test
    void producerSettingsAreOnesTheProducerProgramsRead() throws IOException {
        String sync = Files.readString(ROOT.resolve("producer-sdk/src/main/java/io/capmarket/sdk/sync/SyncCommand.java"));
        String provider = Files.readString(ROOT.resolve(
                "examples/postgres-provider/src/main/java/io/capmarket/examples/postgres/PostgresProviderMain.java"));
        assertThat(compose.environment("demo-offers").keySet()).allSatisfy(v -> assertThat(sync).contains("\"" + v + "\""));
        assertThat(compose.environment("demo-producer").keySet()).allSatisfy(v -> assertThat(provider).contains("\"" + v + "\""));
        assertThat(compose.environment("demo-offers")).containsEntry("CAPMARKET_PRODUCER_ID", "db-team");
        assertThat(compose.environment("demo-producer")).containsEntry("CAPMARKET_PRODUCER_ID", "db-team");
        // the init step approves db-team for every capability the example offers
        Map<String, List<String>> onboarded = onboardedProducers();
        assertThat(onboarded).containsKey("db-team");
        assertThat(OfferFiles.read(ROOT.resolve("examples/postgres-provider/offers"))).allSatisfy(offer ->
                assertThat(onboarded.get("db-team")).contains(offer.capability()));
    }

    // ---- Kafka -------------------------------------------------------------------------------

    @Test
    void kafkaAuthenticatesEveryClientAndAuthorizesEveryRequest() {
        Map<String, String> broker = compose.kafkaBrokerConfig("kafka");
        Map<String, String> protocols = Arrays.stream(broker.get("listener.security.protocol.map").split(","))
                .map(entry -> entry.split(":")).collect(Collectors.toMap(e -> e[0], e -> e[1]));
        List<String> listeners = Arrays.stream(broker.get("listeners").split(",")).map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertThat(listeners).as("every listener authenticates").allSatisfy(listener ->
                assertThat(protocols.get(listener)).isIn("SASL_PLAINTEXT", "SASL_SSL"));
        // the clients' listener: SCRAM-SHA-512 only, the broker's own login from the secrets volume
        for (String advertised : broker.get("advertised.listeners").split(",")) {
            String listener = advertised.substring(0, advertised.indexOf(':')).toLowerCase(java.util.Locale.ROOT);
            assertThat(broker).containsEntry("listener.name." + listener + ".sasl.enabled.mechanisms", ClientSettings.SCRAM_SHA_512);
            assertThat(broker.get("listener.name." + listener + ".scram-sha-512.sasl.jaas.config")).matches(FILE_REFERENCE);
        }
        assertThat(broker).containsEntry("inter.broker.listener.name", broker.get("advertised.listeners").split(":")[0])
                .containsEntry("sasl.mechanism.inter.broker.protocol", ClientSettings.SCRAM_SHA_512);
        // the controller's listener: PLAIN with a user only this node knows, never open
        String controller = broker.get("controller.listener.names").toLowerCase(java.util.Locale.ROOT);
        assertThat(broker).containsEntry("sasl.mechanism.controller.protocol", "PLAIN")
                .containsEntry("listener.name." + controller + ".sasl.enabled.mechanisms", "PLAIN");
        assertThat(broker.get("listener.name." + controller + ".plain.sasl.jaas.config")).matches(FILE_REFERENCE);
        // every request authorized by ACLs; nothing without one; the admin the only super user
        assertThat(broker).containsEntry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("allow.everyone.if.no.acl.found", "false")
                .containsEntry("super.users", "User:" + AccessPolicy.DEFAULT_ADMIN_USER);
        // a deleted credential does not keep its open connections for good
        assertThat(Long.parseLong(broker.getOrDefault("connections.max.reauth.ms", "0"))).isPositive();
        // the references resolve through the file provider, the only one allowed, from the secrets volume
        assertThat(broker).containsEntry("config.providers", "file")
                .containsEntry("config.providers.file.class", FileConfigProvider.class.getName());
        assertThat(compose.environment("kafka").get("KAFKA_OPTS"))
                .contains("-Dorg.apache.kafka.automatic.config.providers=" + FileConfigProvider.class.getName());
        Mount secrets = compose.mountAt("kafka", "/etc/kafka/secrets").orElseThrow();
        assertThat(secrets.source()).isEqualTo("kafka-secrets");
        assertThat(secrets.readOnly()).isTrue();
        broker.values().stream().map(FILE_REFERENCE::matcher).filter(Matcher::matches).forEach(reference ->
                assertThat(reference.group(1)).startsWith(secrets.target() + "/"));
    }

    @Test
    void kafkaKeepsItsDataWhereTheImageWritesIt() {
        for (String service : List.of("kafka", "kafka-format")) {
            String logDirs = compose.environment(service).get("KAFKA_LOG_DIRS");
            assertThat(compose.mountAt(service, logDirs)).as(service + " mounts its log directory " + logDirs)
                    .hasValueSatisfying(mount -> assertThat(mount.source()).isEqualTo("kafka-data"));
            assertThat(compose.environment(service)).containsKey("CLUSTER_ID");
        }
        // the storage is formatted with the broker's own settings and cluster id, then left to it
        assertThat(compose.environment("kafka-format")).isEqualTo(compose.environment("kafka"));
        assertThat(compose.service("kafka-format").get("image")).isEqualTo(compose.service("kafka").get("image"));
        assertThat(compose.entrypoint("kafka-format")).contains("/deploy/format-storage.sh");
        assertThat(compose.mountAt("kafka-format", "/deploy/format-storage.sh")).hasValueSatisfying(mount ->
                assertThat(ROOT.resolve(mount.source())).exists());
    }

    // ---- secrets -----------------------------------------------------------------------------

    @Test
    void noPasswordOrSecretIsWrittenInTheComposeFile() {
        assertThat(ComposeFile.text()).doesNotContainPattern("(?i)password\\s*=").doesNotContain("LoginModule");
        services.keySet().forEach(service -> compose.environment(service).forEach((variable, value) -> {
            String where = service + ": " + variable;
            assertThat(value).as(where).doesNotContainPattern("(?i)password\\s*[=:]").doesNotContain("LoginModule");
            String name = variable.toUpperCase(java.util.Locale.ROOT);
            if (name.endsWith("__FILE")) {
                // Grafana's form: the value is a file's path, which must be in a volume of secrets mounted read-only
                Mount mount = compose.mounts(service).stream().filter(m -> value.startsWith(m.target() + "/")).findFirst()
                        .orElseThrow(() -> new AssertionError(where + " names a file in no mounted volume: " + value));
                assertThat(mount.source()).as(where + " is a file of a volume of secrets").endsWith("-secrets");
                assertThat(mount.readOnly()).as(where + " is mounted read-only").isTrue();
            } else if (name.contains("JAAS") || name.contains("PASSWORD") || name.contains("SECRET")) {
                assertThat(value).as(where + " is a reference to a file, not the secret").matches(FILE_REFERENCE);
            }
            if (name.contains("USER_INFO")) {
                assertThat(value.matches(FILE_REFERENCE.pattern()) || !value.contains(":"))
                        .as(where + " holds no literal user:password").isTrue();
            }
        }));
    }

    @Test
    void eachServiceReadsItsOwnPrincipalsSettingsAndNoOther() throws IOException {
        Map<String, String> principals = new LinkedHashMap<>();
        principals.put("topology-1", AccessPolicy.DEFAULT_TOPOLOGY_USER);
        principals.put("topology-2", AccessPolicy.DEFAULT_TOPOLOGY_USER);
        principals.put("gateway-1", AccessPolicy.DEFAULT_GATEWAY_USER);
        principals.put("gateway-2", AccessPolicy.DEFAULT_GATEWAY_USER);
        principals.put("demo-offers", AccessPolicy.PRODUCER_USER_PREFIX + compose.environment("demo-offers").get("CAPMARKET_PRODUCER_ID"));
        principals.put("demo-producer", AccessPolicy.PRODUCER_USER_PREFIX
                + compose.environment("demo-producer").get("CAPMARKET_PRODUCER_ID"));
        String onboard = Files.readString(ROOT.resolve("deploy/init/onboard.sh"));
        assertThat(onboard).as("init writes each principal's settings into /credentials/<principal>/")
                .contains("settings=/credentials/$principal/$principal.properties");
        principals.forEach((service, principal) -> {
            Path file = Path.of(compose.environment(service).get(CLIENT_PROPERTIES));
            assertThat(file.getFileName()).as(service).hasToString(principal + ".properties");
            Mount mount = compose.mountAt(service, file.getParent().toString()).orElseThrow(() ->
                    new AssertionError(service + " mounts nothing at " + file.getParent()));
            assertThat(mount.named()).as(service).isTrue();
            assertThat(mount.readOnly()).as(service + " may not change its credentials").isTrue();
            assertThat(compose.mountAt("init", "/credentials/" + principal)).as("init writes " + principal + "'s settings")
                    .hasValueSatisfying(written -> assertThat(written.source()).isEqualTo(mount.source()));
        });
        // who mounts each volume of secrets: the step that draws them, the steps and services that use them, no one else
        Map<String, Set<String>> readers = new LinkedHashMap<>();
        readers.put("kafka-secrets", Set.of("secrets", "kafka-format", "kafka", "registry-access"));
        readers.put("schema-registry-secrets", Set.of("secrets", "kafka-format", "schema-registry"));
        readers.put("registry-proxy-secrets", Set.of("secrets", "registry"));
        readers.put("admin-credentials", Set.of("secrets", "init"));
        readers.put("topology-credentials", Set.of("secrets", "init", "topology-1", "topology-2"));
        readers.put("gateway-credentials", Set.of("secrets", "init", "gateway-1", "gateway-2"));
        readers.put("db-team-credentials", Set.of("secrets", "init", "demo-offers", "demo-producer"));
        readers.put("app-team-credentials", Set.of("secrets", "init"));
        readers.put("grafana-secrets", Set.of("secrets", "grafana"));
        readers.forEach((volume, expected) ->
                assertThat(compose.servicesMounting(volume)).as("who mounts " + volume).containsExactlyInAnyOrderElementsOf(expected));
        Set<String> secretVolumes = new TreeSet<>();
        services.keySet().forEach(service -> compose.mounts(service).stream().filter(Mount::named).map(Mount::source)
                .filter(v -> v.endsWith("-secrets") || v.endsWith("-credentials")).forEach(secretVolumes::add));
        assertThat(secretVolumes).as("every volume of secrets is accounted for").isEqualTo(readers.keySet());
        // only the step that draws them writes secrets; init writes only the principals' settings
        services.keySet().stream().filter(s -> !s.equals("secrets")).forEach(service -> compose.mounts(service).stream()
                .filter(m -> readers.containsKey(m.source()) && !(service.equals("init") && m.target().startsWith("/credentials/")))
                .forEach(m -> assertThat(m.readOnly()).as(service + " mounts " + m.source() + " read-only").isTrue()));
        // the secrets step is given every one of them, and Kafka's data, to tell a new cluster from an existing one
        assertThat(compose.mounts("secrets")).filteredOn(Mount::named).extracting(Mount::source)
                .containsAll(readers.keySet()).contains("kafka-data");
        assertThat(compose.entrypoint("secrets")).contains("/deploy/generate.sh /volumes");
        assertThat(compose.mounts("secrets")).filteredOn(Mount::named)
                .allSatisfy(m -> assertThat(m.target()).isEqualTo("/volumes/" + m.source()));
    }

    // ---- the start, in order -----------------------------------------------------------------

    @Test
    void theStackStartsInOrderAndEveryClientOfKafkaWaitsForInit() {
        assertThat(compose.dependsOn("secrets")).isEmpty();
        assertThat(compose.dependsOn("kafka-format")).containsEntry("secrets", "service_completed_successfully");
        assertThat(compose.dependsOn("kafka")).containsEntry("kafka-format", "service_completed_successfully");
        assertThat(compose.dependsOn("registry-access")).containsEntry("kafka", "service_healthy");
        assertThat(compose.dependsOn("schema-registry")).containsEntry("registry-access", "service_completed_successfully");
        assertThat(compose.dependsOn("registry")).containsEntry("schema-registry", "service_healthy");
        assertThat(compose.dependsOn("init")).containsEntry("kafka", "service_healthy").containsEntry("registry", "service_healthy");
        for (String service : List.of("kafka", "schema-registry", "registry", "topology-1")) {
            assertThat(compose.service(service)).as(service + " says when it is ready").containsKey("healthcheck");
        }
        // every client of Kafka connects with credentials the init step issued
        services.keySet().stream().filter(s -> compose.environment(s).containsKey(CLIENT_PROPERTIES)).forEach(service ->
                assertThat(compose.dependsOn(service)).as(service).containsEntry("init", "service_completed_successfully"));
        assertThat(services.keySet().stream().filter(s -> compose.environment(s).containsKey(CLIENT_PROPERTIES)))
                .containsExactlyInAnyOrder("topology-1", "topology-2", "gateway-1", "gateway-2", "demo-offers", "demo-producer");
        // the gateway may not create topics: the topology creates them first
        assertThat(compose.dependsOn("gateway-1")).containsEntry("topology-1", "service_healthy");
        assertThat(compose.dependsOn("gateway-2")).containsEntry("topology-1", "service_healthy");
    }

    @Test
    void initOnboardsThePlatformAndTheDemoPrincipalsWithCapmarketsCommand() throws Exception {
        assertThat(compose.entrypoint("init")).isEqualTo("bash /deploy/onboard.sh");
        assertThat(compose.mountAt("init", "/deploy/onboard.sh")).hasValueSatisfying(m ->
                assertThat(ROOT.resolve(m.source())).isEqualTo(ROOT.resolve("./deploy/init/onboard.sh")));
        String onboard = Files.readString(ROOT.resolve("deploy/init/onboard.sh"));
        assertThat(onboard).contains("-cp '" + ImagesTest.CLASSPATH + "' " + OnboardingCommand.class.getName())
                .contains("issue " + AccessPolicy.DEFAULT_TOPOLOGY_USER + " platform onboard --role topology")
                .contains("issue " + AccessPolicy.DEFAULT_GATEWAY_USER + " platform onboard --role gateway")
                .contains("producer onboard --producer-id").contains("team onboard --team");
        assertThat(OnboardingCommand.class.getMethod("main", String[].class)).isNotNull();
        // the init step runs in the command-line image, whose program is the onboarding command
        assertThat(compose.image("init")).isEqualTo(images.get("cli").reference());
        assertThat(images.get("cli").mainClass()).isEqualTo(OnboardingCommand.class.getName());
        // the demo bot team is the team of the API token compose-app
        String team = compose.environment("init").get("ONBOARD_TEAMS");
        assertThat(Files.readString(ROOT.resolve("deploy/gateway/tokens"))).containsPattern("(?m)^[0-9a-f]{64} " + team + " consumer ");
        assertThat(compose.mountAt("init", "/credentials/" + AccessPolicy.TEAM_USER_PREFIX + team)).isPresent();
    }

    // ---- the schema registry -----------------------------------------------------------------

    @Test
    void theRegistryIsReachableOnlyThroughTheAuthenticatingProxy() throws IOException {
        assertThat(compose.service("schema-registry")).as("the registry publishes no port").doesNotContainKey("ports");
        for (String network : compose.networks("schema-registry")) {
            List<String> members = services.keySet().stream().filter(s -> compose.networks(s).contains(network)).toList();
            assertThat(members).as("who shares " + network + " with the registry").isSubsetOf("schema-registry", "registry", "kafka");
            assertThat(compose.network(network)).as(network).containsEntry("internal", true);
        }
        assertThat(compose.service("registry").get("ports")).isEqualTo(List.of("127.0.0.1:8081:8081"));
        String proxy = Files.readString(ROOT.resolve("deploy/nginx/registry.conf"));
        assertThat(proxy).contains("listen 8081;").contains("server schema-registry:8081;")
                .contains("auth_basic_user_file /etc/nginx/registry/htpasswd;");
        assertThat(compose.mountAt("registry", "/etc/nginx/registry")).hasValueSatisfying(m ->
                assertThat(m.source()).isEqualTo("registry-proxy-secrets"));
        assertThat(compose.mountAt("registry", "/etc/nginx/conf.d/default.conf")).hasValueSatisfying(m ->
                assertThat(m.source()).isEqualTo("./deploy/nginx/registry.conf"));
        // every capmarket client is handed the proxy's address (the admin's settings, which onboarding copies)
        assertThat(Files.readString(ROOT.resolve("deploy/secrets/generate.sh"))).contains("REGISTRY_URL=http://registry:8081");
    }

    @Test
    void theProxyLetsOnlyThePlatformChangeTheRegistry() throws IOException {
        RegistryProxy proxy = RegistryProxy.read(Files.readString(ROOT.resolve("deploy/nginx/registry.conf")));
        List<String> reads = List.of("GET /subjects", "GET /subjects/capmarket.catalog-value/versions/latest", "GET /schemas/ids/3",
                "GET /config", "POST /subjects/capmarket.producer.db-team.offers-value",
                "POST /compatibility/subjects/capmarket.producer.db-team.offers-value/versions/latest");
        List<String> writes = List.of("POST /subjects/capmarket.producer.db-team.offers-value/versions",
                "DELETE /subjects/capmarket.producer.db-team.offers-value", "DELETE /subjects/x/versions/1", "PUT /config",
                "PUT /config/capmarket.catalog-value", "PUT /mode", "POST /subjects/x/versions/", "DELETE /config/x");
        List<String> platform = List.of(AccessPolicy.DEFAULT_ADMIN_USER, AccessPolicy.DEFAULT_TOPOLOGY_USER,
                AccessPolicy.DEFAULT_GATEWAY_USER);
        for (String user : List.of("capmarket-client", "producer.db-team", "team.app-team", "", "Admin")) {
            reads.forEach(call -> assertThat(proxy.denied(user, call)).as(user + ": " + call).isFalse());
            writes.forEach(call -> assertThat(proxy.denied(user, call)).as(user + ": " + call).isTrue());
        }
        for (String user : platform) {
            writes.forEach(call -> assertThat(proxy.denied(user, call)).as(user + ": " + call).isFalse());
        }
        assertThat(proxy.location()).containsSubsequence("auth_basic ", "if ($registry_denied) {", "return 403", "proxy_pass ");
    }

    /** The proxy's three maps, evaluated as nginx does: exact keys first, then the regular expressions in order. */
    private record RegistryProxy(Map<String, NginxMap> maps, String location) {

        static RegistryProxy read(String conf) {
            Map<String, NginxMap> maps = new HashMap<>();
            Matcher map = Pattern.compile("map \"?([^\"{]+?)\"? \\$(\\w+) \\{([^}]*)}").matcher(conf);
            while (map.find()) {
                maps.put(map.group(2), NginxMap.parse(map.group(1), map.group(3)));
            }
            assertThat(maps).containsKeys("registry_platform_user", "registry_read_call", "registry_denied");
            Matcher location = Pattern.compile("location / \\{(.*?)\\n    }", Pattern.DOTALL).matcher(conf);
            assertThat(location.find()).as("location /").isTrue();
            return new RegistryProxy(maps, location.group(1));
        }

        boolean denied(String user, String call) {
            Map<String, String> variables = new HashMap<>();
            variables.put("remote_user", user);
            variables.put("request_method", call.substring(0, call.indexOf(' ')));
            variables.put("uri", call.substring(call.indexOf(' ') + 1));
            for (String name : List.of("registry_platform_user", "registry_read_call", "registry_denied")) {
                variables.put(name, maps.get(name).value(variables));
            }
            return variables.get("registry_denied").equals("1");
        }
    }

    private record NginxMap(String source, String defaultValue, Map<String, String> exact, Map<Pattern, String> regexes) {

        static NginxMap parse(String source, String body) {
            String defaultValue = "";
            Map<String, String> exact = new HashMap<>();
            Map<Pattern, String> regexes = new LinkedHashMap<>();
            Matcher entry = Pattern.compile("(\"[^\"]*\"|\\S+)\\s+(\\S+);").matcher(body);
            while (entry.find()) {
                String key = entry.group(1).replaceAll("^\"|\"$", "");
                if (key.equals("default")) {
                    defaultValue = entry.group(2);
                } else if (key.startsWith("~")) {
                    regexes.put(Pattern.compile(key.substring(1)), entry.group(2));
                } else {
                    exact.put(key, entry.group(2));
                }
            }
            return new NginxMap(source, defaultValue, exact, regexes);
        }

        String value(Map<String, String> variables) {
            String key = source;
            for (Map.Entry<String, String> variable : variables.entrySet()) {
                key = key.replace("$" + variable.getKey(), variable.getValue());
            }
            if (exact.containsKey(key)) {
                return exact.get(key);
            }
            for (Map.Entry<Pattern, String> regex : regexes.entrySet()) {
                if (regex.getKey().matcher(key).find()) {
                    return regex.getValue();
                }
            }
            return defaultValue;
        }
    }

    // ---- monitoring ----------------------------------------------------------------------------

    @Test
    void prometheusScrapesEveryComponentOnItsPort() throws IOException {
        Map<String, Object> prometheus = new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml")));
        List<String> targets = new ArrayList<>();
        for (Object job : (List<?>) prometheus.get("scrape_configs")) {
            for (Object config : (List<?>) ((Map<?, ?>) job).get("static_configs")) {
                ((List<?>) ((Map<?, ?>) config).get("targets")).forEach(t -> targets.add(t.toString()));
            }
        }
        int topology = images.get("topology").ports().get(0);
        int gateway = images.get("gateway").ports().get(0);
        assertThat(targets).containsExactlyInAnyOrder("topology-1:" + topology, "topology-2:" + topology, "gateway-1:" + gateway,
                "gateway-2:" + gateway);
        assertThat(targets).allSatisfy(t -> assertThat(services).containsKey(t.substring(0, t.indexOf(':'))));
        assertThat(new Yaml().<Map<String, Object>>load(Files.readString(ROOT.resolve("deploy/prometheus/alerts.yml"))))
                .containsKey("groups");
        assertThat(Files.readString(ROOT.resolve("deploy/nginx/gateway.conf")))
                .contains("server gateway-1:" + gateway + ";").contains("server gateway-2:" + gateway + ";");
    }

    @Test
    void firingAlertsReachAlertmanagerWhichNotifiesAWebhook() throws IOException {
        Map<String, Object> prometheus = new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml")));
        List<String> alertmanagers = new ArrayList<>();
        Map<?, ?> alerting = (Map<?, ?>) prometheus.get("alerting");
        assertThat(alerting).as("prometheus.yml's alerting block").isNotNull();
        for (Object manager : (List<?>) alerting.get("alertmanagers")) {
            for (Object config : (List<?>) ((Map<?, ?>) manager).get("static_configs")) {
                ((List<?>) ((Map<?, ?>) config).get("targets")).forEach(t -> alertmanagers.add(t.toString()));
            }
        }
        assertThat(alertmanagers).containsExactly("alertmanager:9093");
        assertThat(compose.mountAt("prometheus", "/etc/prometheus")).hasValueSatisfying(m ->
                assertThat(ROOT.resolve(m.source()).normalize()).isEqualTo(ROOT.resolve("deploy/prometheus").normalize()));
        assertThat(prometheus.get("rule_files")).isEqualTo(List.of("/etc/prometheus/alerts.yml"));

        Mount config = compose.mountAt("alertmanager", "/etc/alertmanager/alertmanager.yml").orElseThrow(() ->
                new AssertionError("alertmanager mounts no configuration"));
        AlertmanagerConfig alertmanager = AlertmanagerConfig.read(ROOT.resolve(config.source()));
        assertThat(alertmanager.webhooks()).as("the example receiver").isNotEmpty()
                .allSatisfy(url -> assertThat(url).matches("https?://[^\\s/]+(:\\d+)?/\\S*"));
        assertThat(alertmanager.routedReceivers()).as("every route names a receiver that exists")
                .isSubsetOf(alertmanager.receivers());
        assertThat(alertmanager.text()).as("no credential written in Alertmanager's configuration")
                .doesNotContainPattern("(?i)(password|api_key|token|secret)\\s*:");
    }

    @Test
    void theAlertsCoverDownTargetsThreadReplacementsDeadLettersAndAQueueThatCannotBeStuckAtNaN() throws IOException {
        Map<String, String> rules = alertRules(ROOT.resolve("deploy/prometheus/alerts.yml"));
        assertThat(rules).containsKeys("CapmarketTargetDown", "CapmarketStreamThreadReplaced", "CapmarketDeadLetterRate",
                "CapmarketWaitingQueueGrowing");
        assertThat(rules.get("CapmarketTargetDown")).containsPattern("\\bup\\{job=~\"capmarket-\\.\\*\"}\\s*==\\s*0");
        assertThat(rules.get("CapmarketStreamThreadReplaced")).contains("capmarket_stream_thread_replacements_total");
        assertThat(rules.get("CapmarketDeadLetterRate")).contains("rate(capmarket_dead_letters_total[");
        // scorecard gauges turn NaN on an instance a capability left: a sum over them is NaN, never above a threshold
        String waiting = rules.get("CapmarketWaitingQueueGrowing");
        assertThat(waiting).doesNotContain("sum").contains("capmarket_scorecard_waiting >= 0").contains("max by (capability)");
        rules.values().forEach(expr -> assertThat(expr.chars().filter(c -> c == '(').count()).as(expr)
                .isEqualTo(expr.chars().filter(c -> c == ')').count()));
    }

    @Test
    void grafanaHasNoAnonymousAdminAndItsAdminsPasswordIsASecretFile() throws IOException {
        Map<String, String> grafana = compose.environment("grafana");
        boolean anonymous = Boolean.parseBoolean(grafana.getOrDefault("GF_AUTH_ANONYMOUS_ENABLED", "false"));
        if (anonymous) {
            assertThat(grafana.getOrDefault("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer")).as("an anonymous visitor's role").isEqualTo("Viewer");
        }
        assertThat(grafana).doesNotContainKey("GF_SECURITY_ADMIN_PASSWORD").containsEntry("GF_USERS_ALLOW_SIGN_UP", "false");
        String passwordFile = grafana.get("GF_SECURITY_ADMIN_PASSWORD__FILE");
        assertThat(passwordFile).as("the admin's password comes from a file").isNotNull();
        Mount secrets = compose.mountAt("grafana", passwordFile.substring(0, passwordFile.lastIndexOf('/'))).orElseThrow();
        assertThat(secrets.source()).isEqualTo("grafana-secrets");
        assertThat(secrets.readOnly()).isTrue();
        // the secrets step draws it, into the file Grafana reads
        String generate = Files.readString(ROOT.resolve("deploy/secrets/generate.sh"));
        assertThat(generate).contains("secret > \"$grafana_secrets/" + passwordFile.substring(passwordFile.lastIndexOf('/') + 1) + "\"");
        assertThat(compose.mountAt("secrets", "/volumes/grafana-secrets")).isPresent();
    }

    /** The alert rules of a rules file: alert name to expression. */
    static Map<String, String> alertRules(Path file) throws IOException {
        Map<String, Object> alerts = new Yaml().load(Files.readString(file));
        Map<String, String> rules = new LinkedHashMap<>();
        for (Object group : (List<?>) alerts.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                rules.put(((Map<?, ?>) rule).get("alert").toString(), String.valueOf(((Map<?, ?>) rule).get("expr")));
            }
        }
        return rules;
    }

    @Test
    void dashboardsUseTheProvisionedDatasourceAndEveryAlertHasAnExpression() throws IOException {
        Map<String, Object> datasources = new Yaml().load(Files.readString(
                ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")));
        String type = ((Map<?, ?>) ((List<?>) datasources.get("datasources")).get(0)).get("type").toString();
        ObjectMapper json = new ObjectMapper();
        for (String file : List.of("scorecard.json", "operations.json")) {
            JsonNode dashboard = json.readTree(ROOT.resolve("deploy/grafana/dashboards").resolve(file).toFile());
            List<JsonNode> panels = new ArrayList<>();
            dashboard.path("panels").forEach(panel -> {
                if (!panel.path("type").asText().equals("row")) {
                    panels.add(panel);
                }
            });
            List<JsonNode> variables = new ArrayList<>();
            dashboard.path("templating").path("list").forEach(variables::add);
            assertThat(variables).as(file + ": a data source variable over the provisioned type, then filters drawn from it")
                    .anySatisfy(v -> {
                        assertThat(v.path("name").asText()).isEqualTo("datasource");
                        assertThat(v.path("type").asText()).isEqualTo("datasource");
                        assertThat(v.path("query").asText()).isEqualTo(type);
                    })
                    .filteredOn(v -> v.path("type").asText().equals("query")).isNotEmpty()
                    .allSatisfy(v -> assertThat(v.path("datasource").path("uid").asText()).isEqualTo("${datasource}"));
            assertThat(panels).as(file).isNotEmpty().allSatisfy(panel -> {
                assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                panel.path("targets").forEach(target -> assertThat(target.path("expr").asText()).as("filtered by a variable")
                        .containsAnyOf("$capability", "$job", "job=~\"capmarket-topology.*\""));
                assertThat(panel.path("targets")).isNotEmpty();
                panel.path("targets").forEach(target -> assertThat(target.path("expr").asText()).satisfiesAnyOf(e -> assertThat(e).contains("capmarket_"), e -> assertThat(e).contains("kafka_"),
                                e -> assertThat(e).contains("jvm_")));
            });
        }
        Map<String, Object> alerts = new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus/alerts.yml")));
        for (Object group : (List<?>) alerts.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                assertThat(((Map<?, ?>) rule).get("expr")).as(((Map<?, ?>) rule).get("alert").toString()).isNotNull();
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** The service's health check command as one line; empty when it has none. */
    private String healthCheck(String service) {
        Object check = compose.service(service).get("healthcheck");
        if (!(check instanceof Map<?, ?> map) || map.get("test") == null) {
            return "";
        }
        Object test = map.get("test");
        return test instanceof List<?> list ? String.join(" ", list.stream().map(Object::toString).toList()) : test.toString();
    }

    /**
     * The service's environment with its settings file ({@value #CLIENT_PROPERTIES}, a path in the
     * container) replaced by one written as {@code platform onboard} writes it for the principal.
     */
    private Map<String, String> withSettingsFile(String service, String principal, Path dir) {
        Map<String, String> environment = new HashMap<>(compose.environment(service));
        assertThat(environment).as(service).containsEntry(CLIENT_PROPERTIES, "/etc/capmarket/credentials/" + principal + ".properties");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", "kafka:9092");
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", ClientSettings.SCRAM_SHA_512);
        settings.put("sasl.jaas.config", ClientSettings.scramJaasConfig(principal, "not-a-secret"));
        settings.put("schema.registry.url", "http://registry:8081");
        settings.put("basic.auth.credentials.source", "USER_INFO");
        settings.put("basic.auth.user.info", principal + ":not-a-secret");
        Path file = ClientSettings.of(settings).write(dir.resolve(service).resolve(principal + ".properties"), null);
        environment.put(CLIENT_PROPERTIES, file.toString());
        return environment;
    }

    /** The init step's ONBOARD_PRODUCERS: {@code id=capability,capability ...}. */
    private Map<String, List<String>> onboardedProducers() {
        Map<String, List<String>> producers = new LinkedHashMap<>();
        for (String entry : compose.environment("init").get("ONBOARD_PRODUCERS").trim().split("\\s+")) {
            producers.put(entry.substring(0, entry.indexOf('=')), List.of(entry.substring(entry.indexOf('=') + 1).split(",")));
        }
        return producers;
    }
}
