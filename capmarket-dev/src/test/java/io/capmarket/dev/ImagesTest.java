package io.capmarket.dev;

import static io.capmarket.dev.ComposeFile.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.dev.JibImages.Image;
import io.capmarket.gateway.GatewayConfig;
import io.capmarket.topology.app.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container images cannot be built here (no registry to pull the base image from, no Docker
 * daemon), so the build checks their Jib configuration instead: a Java 21 or newer runtime, a
 * non-root user, the heap sized from the container's memory limit, a main class that exists, the
 * ports of the configuration defaults, settings the components accept, a state directory the user
 * may write, and no image built unless asked for ({@code -Pimages}). {@link ComposeFileTest} and
 * {@link KubernetesManifestsTest} check that docker-compose.yml and deploy/kubernetes use these images.
 */
class ImagesTest {

    /** Where Jib puts a module's classes, resources and dependencies: the classpath of a command run in the image. */
    static final String CLASSPATH = "/app/resources:/app/classes:/app/libs/*";
    /** The one directory the images' user writes: state on a volume. */
    static final String STATE = "/var/lib/capmarket";

    private static final Pattern MAX_RAM = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)");
    private static final Pattern JAVA_RUNTIME = Pattern.compile("eclipse-temurin:(\\d+)-jre(-[a-z]+)?");

    private final Map<String, Image> images = JibImages.read();

    @Test
    void theTopologyGatewayCommandLineAndExampleProducerHaveImages() {
        assertThat(images).containsOnlyKeys("topology", "gateway", "cli", "example-postgres-provider");
        assertThat(images.get("topology").module()).isEqualTo("broker-topology");
        assertThat(images.get("gateway").module()).isEqualTo("consumer-gateway");
        assertThat(images.get("cli").module()).isEqualTo("producer-sdk");
        assertThat(images.get("example-postgres-provider").module()).isEqualTo("postgres-provider");
        images.values().forEach(image -> assertThat(image.reference()).as(image.module())
                .matches("capmarket/[a-z-]+:0\\.1\\.0-SNAPSHOT"));
    }

    @Test
    void imagesAreBuiltOnlyWhenAskedFor() throws Exception {
        images.values().forEach(image -> assertThat(image.boundToABuild()).as(image.module() + ": jib runs only as a goal").isFalse());
        assertThat(JibImages.inDefaultBuild(ROOT.resolve("pom.xml"))).as("the parent's default build").isFalse();
        for (Image image : images.values()) {
            Path pom = image.module().equals("postgres-provider") ? ROOT.resolve("examples/postgres-provider/pom.xml")
                    : ROOT.resolve(image.module()).resolve("pom.xml");
            assertThat(JibImages.inDefaultBuild(pom)).as(pom + ": default build").isFalse();
        }
    }

    @Test
    void everyImageRunsAJava21RuntimeAsANonRootUserWithTheHeapFromTheContainersLimit() {
        images.values().forEach(image -> {
            Matcher runtime = JAVA_RUNTIME.matcher(image.base());
            assertThat(runtime.matches()).as(image.module() + " base " + image.base() + " is an eclipse-temurin JRE").isTrue();
            assertThat(Integer.parseInt(runtime.group(1))).as(image.module() + "'s Java").isIn(21, 25);
            assertThat(image.uid()).as(image.module() + "'s user").isPositive();
            Matcher maxRam = MAX_RAM.matcher(String.join(" ", image.jvmFlags()));
            assertThat(maxRam.find()).as(image.module() + " sizes its heap with -XX:MaxRAMPercentage").isTrue();
            assertThat(Integer.parseInt(maxRam.group(1))).as(image.module() + "'s heap share").isBetween(25, 80);
            assertThat(image.jvmFlags()).as(image.module() + ": a fixed heap ignores the container's limit")
                    .noneMatch(flag -> flag.startsWith("-Xmx"));
        });
    }

    @Test
    void mainClassesExistOnTheClasspath() throws Exception {
        assertThat(images.get("topology").mainClass()).isEqualTo(io.capmarket.topology.app.TopologyMain.class.getName());
        assertThat(images.get("gateway").mainClass()).isEqualTo(io.capmarket.gateway.GatewayMain.class.getName());
        assertThat(images.get("cli").mainClass()).isEqualTo(io.capmarket.schemas.onboarding.OnboardingCommand.class.getName());
        for (Image image : images.values()) {
            assertThat(Class.forName(image.mainClass()).getMethod("main", String[].class)).as(image.mainClass()).isNotNull();
        }
    }

    @Test
    void portsAreTheConfigurationsDefaults() {
        assertThat(images.get("topology").ports()).containsExactly(TopologyConfig.DEFAULT_HTTP_PORT);
        assertThat(images.get("gateway").ports()).containsExactly(GatewayConfig.DEFAULT_HTTP_PORT);
        assertThat(images.get("cli").ports()).isEmpty();
        assertThat(images.get("example-postgres-provider").ports()).isEmpty();
    }

    @Test
    void settingsAreOnesTheComponentsAcceptAndKeepStateOnTheVolume() {
        Map<String, String> topology = required(images.get("topology").environment());
        TopologyConfig topologyConfig = TopologyConfig.load(null, topology);
        assertThat(topologyConfig.warnings()).as("topology image: unrecognized CAPMARKET_ variables").isEmpty();
        assertThat(topologyConfig.stateDir()).startsWithRaw(Path.of(STATE));
        Map<String, String> gateway = images.get("gateway").environment();
        assertThat(gateway.keySet()).allSatisfy(v -> assertThat(GatewayConfig.readsEnvironmentVariable(v)).as(v).isTrue());
        assertThat(GatewayConfig.load(null, required(gateway)).stateDir()).startsWithRaw(Path.of(STATE));
        images.values().forEach(image -> {
            assertThat(image.volumes()).as(image.module()).containsExactly(STATE);
            assertThat(image.workingDirectory()).as(image.module()).isEqualTo("/app");
        });
    }

    @Test
    void theStateDirectoryIsInTheImageAndItsUsersGroupMayWriteIt() {
        images.values().forEach(image -> {
            Path root = Path.of(image.extraDirectories().get("/"));
            assertThat(root.resolve(STATE.substring(1))).as(image.module() + ": " + STATE + " in the image").isDirectory();
            // the directory belongs to root:root in a Jib image: the user is in group 0 and the group may write
            assertThat(image.user()).as(image.module()).endsWith(":0");
            assertThat(image.permissions()).as(image.module()).containsEntry(STATE, "775");
        });
    }

    @Test
    void theExampleProducersOfferFilesAreWhereItsCommandsLookForThem() throws Exception {
        Image example = images.get("example-postgres-provider");
        assertThat(Path.of(example.extraDirectories().get("/app/offers")).normalize())
                .isEqualTo(ROOT.resolve("examples/postgres-provider/offers").normalize());
        try (var files = Files.list(ROOT.resolve("examples/postgres-provider/offers"))) {
            assertThat(files.toList()).as("offer files").isNotEmpty();
        }
        assertThat(example.mainClass()).isEqualTo("io.capmarket.examples.postgres.PostgresProviderMain");
    }

    /** The settings an image gives, with the connection every deployment adds. */
    private static Map<String, String> required(Map<String, String> environment) {
        Map<String, String> all = new HashMap<>(environment);
        all.put("CAPMARKET_BOOTSTRAP_SERVERS", "kafka:9092");
        all.put("CAPMARKET_SCHEMA_REGISTRY_URL", "http://registry:8081");
        return all;
    }
}
