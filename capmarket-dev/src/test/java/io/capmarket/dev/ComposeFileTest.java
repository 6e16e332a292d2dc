package io.capmarket.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.gateway.GatewayConfig;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.topology.app.TopologyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot start on machines without a Docker engine, so the build checks it
 * instead: it parses, it uses only pinned images and Dockerfiles that exist, every capmarket
 * setting it passes is one the component accepts, and its ports, Prometheus targets, dashboards
 * and topic names agree with the code.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");
    private static final Set<String> IMAGES = Set.of("apache/kafka", "confluentinc/cp-schema-registry", "nginx",
            "prom/prometheus", "grafana/grafana");

    private final Map<String, Map<String, Object>> services = services();

    @Test
    void imagesArePinnedAndDockerfilesExist() {
        assertThat(services).containsKeys("kafka", "schema-registry", "topology-1", "topology-2", "gateway-1", "gateway-2",
                "gateway", "demo-producer", "prometheus", "grafana");
        services.forEach((name, service) -> {
            if (service.containsKey("image")) {
                String image = service.get("image").toString();
                assertThat(image).as(name).contains(":").doesNotEndWith(":latest");
                assertThat(IMAGES).as(name + " uses a known image").contains(image.substring(0, image.indexOf(':')));
            } else {
                Map<?, ?> build = (Map<?, ?>) service.get("build");
                assertThat(build).as(name + " has an image or a build").isNotNull();
                Path dockerfile = ROOT.resolve(build.get("context").toString()).resolve(build.get("dockerfile").toString());
                assertThat(dockerfile).as(name).exists();
            }
        });
    }

    @Test
    void dockerfilesCopyTheModulesRunnableJarWhoseMainClassExists() throws Exception {
        for (String module : List.of("broker-topology", "consumer-gateway", "examples/postgres-provider")) {
            String dockerfile = Files.readString(ROOT.resolve(module).resolve("Dockerfile"));
            String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
            Matcher artifact = Pattern.compile("</parent>\\s*<artifactId>([\\w.-]+)</artifactId>").matcher(pom);
            assertThat(artifact.find()).as(module + " names its artifact").isTrue();
            assertThat(dockerfile).contains("COPY " + module + "/target/lib/ lib/")
                    .contains("COPY " + module + "/target/" + artifact.group(1) + "-0.1.0-SNAPSHOT.jar app.jar");
            Matcher mainClass = Pattern.compile("<main.class>([\\w.]+)</main.class>").matcher(pom);
            assertThat(mainClass.find()).as(module + " declares its main class").isTrue();
            assertThat(Class.forName(mainClass.group(1)).getMethod("main", String[].class)).isNotNull();
        }
    }

    @Test
    void topologySettingsAreOnesTheTopologyAccepts() {
        for (String name : List.of("topology-1", "topology-2")) {
            TopologyConfig config = TopologyConfig.load(null, environment(name));
            assertThat(config.warnings()).as(name + ": unrecognized CAPMARKET_ variables").isEmpty();
            assertThat(config.httpPort()).isEqualTo(9464);
            assertThat(config.topics().prefix()).isEqualTo(Topics.DEFAULT_PREFIX);
        }
    }

    @Test
    void gatewaySettingsAreOnesTheGatewayAccepts() {
        for (String name : List.of("gateway-1", "gateway-2")) {
            Map<String, String> environment = environment(name);
            assertThat(environment.keySet()).as(name).allSatisfy(variable ->
                    assertThat(GatewayConfig.readsEnvironmentVariable(variable)).as(variable).isTrue());
            Map<String, String> testable = new HashMap<>(environment);
            testable.remove("CAPMARKET_AUTH_TOKENS_FILE");
            GatewayConfig config = GatewayConfig.load(null, testable);
            assertThat(config.httpPort()).isEqualTo(8080);
            assertThat(config.topics().prefix()).isEqualTo(Topics.DEFAULT_PREFIX);
            assertThat(environment).containsEntry("CAPMARKET_HTTP_ADVERTISED_HOST", name);
        }
    }

    @Test
    void producerSettingsAreOnesTheProducerProgramsRead() throws IOException {
        String sync = Files.readString(ROOT.resolve("producer-sdk/src/main/java/io/capmarket/sdk/sync/SyncCommand.java"));
        String provider = Files.readString(ROOT.resolve(
                "examples/postgres-provider/src/main/java/io/capmarket/examples/postgres/PostgresProviderMain.java"));
        assertThat(environment("demo-offers").keySet()).allSatisfy(v -> assertThat(sync).contains("\"" + v + "\""));
        assertThat(environment("demo-producer").keySet()).allSatisfy(v -> assertThat(provider).contains("\"" + v + "\""));
        assertThat(environment("topology-1")).containsEntry("CAPMARKET_PRODUCERS_APPROVED", "db-team=postgres-database");
        assertThat(environment("demo-offers")).containsEntry("CAPMARKET_PRODUCER_ID", "db-team");
    }

    @Test
    void prometheusScrapesEveryComponentOnItsPort() throws IOException {
        Map<String, Object> prometheus = new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml")));
        List<String> targets = new ArrayList<>();
        for (Object job : (List<?>) prometheus.get("scrape_configs")) {
            for (Object config : (List<?>) ((Map<?, ?>) job).get("static_configs")) {
                ((List<?>) ((Map<?, ?>) config).get("targets")).forEach(t -> targets.add(t.toString()));
            }
        }
        assertThat(targets).containsExactlyInAnyOrder("topology-1:9464", "topology-2:9464", "gateway-1:8080", "gateway-2:8080");
        assertThat(targets).allSatisfy(t -> assertThat(services).containsKey(t.substring(0, t.indexOf(':'))));
        assertThat(new Yaml().<Map<String, Object>>load(Files.readString(ROOT.resolve("deploy/prometheus/alerts.yml"))))
                .containsKey("groups");
        assertThat(Files.readString(ROOT.resolve("deploy/nginx/gateway.conf")))
                .contains("server gateway-1:8080;").contains("server gateway-2:8080;");
    }

    @Test
    void dashboardsUseTheProvisionedDatasourceAndEveryAlertHasAnExpression() throws IOException {
        Map<String, Object> datasources = new Yaml().load(Files.readString(
                ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")));
        String uid = ((Map<?, ?>) ((List<?>) datasources.get("datasources")).get(0)).get("uid").toString();
        ObjectMapper json = new ObjectMapper();
        for (String file : List.of("scorecard.json", "operations.json")) {
            JsonNode dashboard = json.readTree(ROOT.resolve("deploy/grafana/dashboards").resolve(file).toFile());
            List<JsonNode> panels = new ArrayList<>();
            dashboard.path("panels").forEach(panel -> {
                if (!panel.path("type").asText().equals("row")) {
                    panels.add(panel);
                }
            });
            assertThat(panels).as(file).isNotEmpty().allSatisfy(panel -> {
                assertThat(panel.path("datasource").path("uid").asText()).isEqualTo(uid);
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

    private Map<String, String> environment(String service) {
        Map<String, String> environment = new HashMap<>();
        Object raw = services.get(service).get("environment");
        ((Map<?, ?>) raw).forEach((k, v) -> environment.put(k.toString(), v.toString()));
        return environment;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        try {
            Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
            return (Map<String, Map<String, Object>>) compose.get("services");
        } catch (IOException e) {
            throw new AssertionError("cannot read docker-compose.yml", e);
        }
    }
}
