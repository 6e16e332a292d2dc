package io.capmarket.dev;

import static io.capmarket.dev.KubernetesManifests.DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.dev.JibImages.Image;
import io.capmarket.gateway.GatewayConfig;
import io.capmarket.schemas.access.AccessPolicy;
import io.capmarket.schemas.topics.DeadLetterHeaders;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.topology.app.TopologyConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes cannot be applied here (no cluster, no kustomize), so the build checks it: every
 * manifest parses into Kubernetes' typed models with no unknown field; the kustomizations name files
 * that exist and patch resources of the base; and the workloads agree with the code and the images:
 * images, ports, {@code CAPMARKET_*} settings the components accept, state on a persistent volume
 * with standby replicas, autoscaling and disruption budgets that select the pods, monitoring that
 * selects the Services, alert rules that are docker-compose's, whose metrics the code exports and
 * whose topics and headers are the catalogue's.
 */
class KubernetesManifestsTest {

    private static final Path BASE = DIR.resolve("base");
    private static final Path OVERLAY = DIR.resolve("overlays/example");
    private static final String TOPOLOGY = "capmarket-topology";
    private static final String GATEWAY = "capmarket-gateway";

    private final Map<String, HasMetadata> base = KubernetesManifests.resources(BASE);
    private final Map<String, Image> images = JibImages.read();

    @Test
    void theKustomizationsNameEveryManifestAndPatchOnlyTheBasesResources() throws IOException {
        try (Stream<Path> files = Files.list(BASE)) {
            Set<String> manifests = new TreeSet<>(files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml")).toList());
            assertThat(base.keySet()).as("the base's resources are its files").containsExactlyInAnyOrderElementsOf(manifests);
        }
        Map<String, Object> overlay = KubernetesManifests.kustomization(OVERLAY);
        assertThat(overlay.get("resources").toString()).as("the overlay builds on the base").contains("../../base");
        assertThat(overlay.get("namespace")).isNotNull();
        Set<String> baseResources = new TreeSet<>();
        base.values().forEach(r -> baseResources.add(r.getKind() + "/" + r.getMetadata().getName()));
        for (Object patch : (List<?>) overlay.get("patches")) {
            HasMetadata patched = KubernetesManifests.read(OVERLAY.resolve(((Map<?, ?>) patch).get("path").toString()));
            assertThat(baseResources).as("what " + patch + " patches").contains(patched.getKind() + "/" + patched.getMetadata().getName());
        }
        KubernetesManifests.resources(OVERLAY); // its own resources parse too
        // the overlay's images are the base's, by the name Jib gives them
        for (Object entry : (List<?>) overlay.get("images")) {
            Map<?, ?> image = (Map<?, ?>) entry;
            assertThat(List.of(images.get("topology").repository(), images.get("gateway").repository())).as("images: " + image)
                    .contains(image.get("name").toString());
            assertThat(image.get("newTag").toString()).matches("[\\w][\\w.-]{0,127}");
        }
    }

    @Test
    void aManifestWithAFieldItsKindDoesNotHaveIsRefused(@TempDir Path dir) throws IOException {
        String topology = Files.readString(BASE.resolve("topology.yaml"));
        Path typo = Files.writeString(dir.resolve("topology.yaml"), topology.replace("podManagementPolicy:", "podManagmentPolicy:"));
        assertThatThrownBy(() -> KubernetesManifests.read(typo)).hasMessageContaining("podManagmentPolicy");
        Path nested = Files.writeString(dir.resolve("nested.yaml"), topology.replace("readOnlyRootFilesystem:", "readOnlyRootFs:"));
        assertThatThrownBy(() -> KubernetesManifests.read(nested)).hasMessageContaining("readOnlyRootFs");
        Path kind = Files.writeString(dir.resolve("kind.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n");
        assertThatThrownBy(() -> KubernetesManifests.read(kind)).hasMessageContaining("v1/Pod");
    }

    @Test
    void theTopologyIsAStatefulSetWithItsStateOnAPersistentVolumeAndStandbyReplicas() {
        StatefulSet topology = resource(StatefulSet.class, TOPOLOGY);
        Image image = images.get("topology");
        Container container = onlyContainer(topology.getSpec().getTemplate());
        assertThat(container.getImage()).isEqualTo(image.reference());
        String claim = topology.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
        assertThat(mountAt(container, ImagesTest.STATE).getName()).as("the state volume is the claim").isEqualTo(claim);
        assertThat(topology.getSpec().getTemplate().getSpec().getVolumes()).as("no pod volume hides the claim")
                .noneMatch(v -> v.getName().equals(claim));
        assertThat(topology.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests()).containsKey("storage");

        TopologyConfig config = TopologyConfig.load(null, connected(settings(container, TOPOLOGY)));
        assertThat(config.warnings()).as("the topology's CAPMARKET_ variables").isEmpty();
        assertThat(config.numStandbyReplicas()).as("num.standby.replicas").isPositive();
        assertThat(config.stateDir()).startsWithRaw(Path.of(ImagesTest.STATE));
        assertThat(config.applicationId()).isEqualTo(AccessPolicy.DEFAULT_TOPOLOGY_APPLICATION_ID);
        assertThat(config.httpPort()).isEqualTo(TopologyConfig.DEFAULT_HTTP_PORT);
        assertThat(topology.getSpec().getReplicas()).as("replicas, for the standbys to live elsewhere")
                .isGreaterThan(config.numStandbyReplicas());
        assertServes(container, "http", config.httpPort());
        assertThat(topology.getSpec().getServiceName()).isEqualTo(TOPOLOGY);
        assertThat(resource(Service.class, TOPOLOGY).getSpec().getClusterIP()).as("the governing Service is headless").isEqualTo("None");
        assertReadsItsPrincipalsSecret(topology.getSpec().getTemplate(), container, AccessPolicy.DEFAULT_TOPOLOGY_USER);
        assertRunsAsTheImagesUserWithALimit(topology.getSpec().getTemplate(), container, image);
        assertDisruptionBudgetSelects(TOPOLOGY, topology.getSpec().getTemplate());
    }

    @Test
    void theGatewayIsADeploymentScaledByAnAutoscalerWithADisruptionBudget() {
        Deployment gateway = resource(Deployment.class, GATEWAY);
        Image image = images.get("gateway");
        Container container = onlyContainer(gateway.getSpec().getTemplate());
        assertThat(container.getImage()).isEqualTo(image.reference());
        Map<String, String> environment = settings(container, GATEWAY);
        assertThat(environment.keySet()).allSatisfy(v -> assertThat(GatewayConfig.readsEnvironmentVariable(v)).as(v).isTrue());
        Map<String, String> testable = connected(environment);
        testable.remove("CAPMARKET_AUTH_TOKENS_FILE");
        testable.remove("CAPMARKET_INSTANCES_SIGNING_KEY_FILE");
        GatewayConfig config = GatewayConfig.load(null, testable);
        assertThat(config.httpPort()).isEqualTo(GatewayConfig.DEFAULT_HTTP_PORT);
        assertThat(config.applicationId()).isEqualTo(AccessPolicy.DEFAULT_GATEWAY_APPLICATION_ID);
        assertThat(config.stateDir()).startsWithRaw(Path.of(ImagesTest.STATE));
        // other instances forward reads to this one at its pod's address
        EnvVar advertised = container.getEnv().stream().filter(e -> e.getName().equals("CAPMARKET_HTTP_ADVERTISED_HOST")).findFirst()
                .orElseThrow(() -> new AssertionError("the gateway advertises no host"));
        assertThat(advertised.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        assertServes(container, "http", config.httpPort());
        String tokens = environment.get("CAPMARKET_AUTH_TOKENS_FILE");
        assertThat(mountAt(container, tokens.substring(0, tokens.lastIndexOf('/'))).getReadOnly()).isTrue();
        assertReadsItsPrincipalsSecret(gateway.getSpec().getTemplate(), container, AccessPolicy.DEFAULT_GATEWAY_USER);
        assertRunsAsTheImagesUserWithALimit(gateway.getSpec().getTemplate(), container, image);

        HorizontalPodAutoscaler autoscaler = resource(HorizontalPodAutoscaler.class, GATEWAY);
        assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo(GATEWAY);
        assertThat(autoscaler.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(autoscaler.getSpec().getMaxReplicas()).isGreaterThan(autoscaler.getSpec().getMinReplicas());
        assertThat(gateway.getSpec().getReplicas()).as("the autoscaler owns the replicas").isNull();
        assertThat(container.getResources().getRequests()).as("utilization is relative to the request").containsKey("cpu");
        assertDisruptionBudgetSelects(GATEWAY, gateway.getSpec().getTemplate());
    }

    @Test
    void servicesReachTheContainersPortAndTheServiceMonitorScrapesThemAsComposesJobs() throws IOException {
        Map<String, Integer> jobs = new LinkedHashMap<>();
        jobs.put(TOPOLOGY, TopologyConfig.DEFAULT_HTTP_PORT);
        jobs.put(GATEWAY, GatewayConfig.DEFAULT_HTTP_PORT);
        ServiceMonitor monitor = resource(ServiceMonitor.class, "capmarket");
        Map<String, String> selector = monitor.getSpec().getSelector().getMatchLabels();
        jobs.forEach((name, port) -> {
            Service service = resource(Service.class, name);
            ServicePort http = service.getSpec().getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " has no port http"));
            assertThat(http.getPort()).as(name).isEqualTo(port);
            assertThat(http.getTargetPort().getStrVal()).as(name + " targets the container's named port").isEqualTo("http");
            assertThat(service.getSpec().getSelector()).as(name + " selects its pods").isEqualTo(Map.of("app.kubernetes.io/name", name));
            assertThat(service.getMetadata().getLabels()).as("the ServiceMonitor selects " + name).containsAllEntriesOf(selector);
        });
        assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.getPort()).isEqualTo("http");
            assertThat(endpoint.getPath()).isEqualTo("/metrics");
        });
        // the Operator's job label is the Service's name: the same jobs as docker-compose's Prometheus, for the same rules
        Map<String, Object> prometheus = new Yaml().load(Files.readString(ComposeFile.ROOT.resolve("deploy/prometheus/prometheus.yml")));
        List<String> composeJobs = ((List<?>) prometheus.get("scrape_configs")).stream().map(j -> ((Map<?, ?>) j).get("job_name").toString())
                .toList();
        assertThat(composeJobs).containsExactlyInAnyOrderElementsOf(jobs.keySet());
    }

    @Test
    void thePrometheusRuleIsComposesAlertRules() throws IOException {
        PrometheusRule rule = resource(PrometheusRule.class, "capmarket");
        Map<String, Object> manifest = new Yaml().load(Files.readString(BASE.resolve("prometheus-rule.yaml")));
        Map<String, Object> alerts = new Yaml().load(Files.readString(ComposeFile.ROOT.resolve("deploy/prometheus/alerts.yml")));
        assertThat(manifest.get("spec")).as("prometheus-rule.yaml's spec is deploy/prometheus/alerts.yml: copy it over").isEqualTo(alerts);
        assertThat(rule.getSpec().getGroups()).isNotEmpty().allSatisfy(group -> assertThat(group.getRules()).allSatisfy(r -> {
            assertThat(r.getAlert()).as("every rule alerts").isNotBlank();
            assertThat(r.getExpr().getStrVal()).as(r.getAlert()).isNotBlank();
            assertThat(r.getLabels()).as(r.getAlert()).containsKey("severity");
        }));
    }

    @Test
    void theRulesMetricsAreOnesTheCodeExports() {
        MetricSources sources = MetricSources.read();
        Set<String> used = new TreeSet<>();
        resource(PrometheusRule.class, "capmarket").getSpec().getGroups().forEach(group -> group.getRules().forEach(rule ->
                used.addAll(MetricSources.usedIn(rule.getExpr().getStrVal()))));
        assertThat(used).contains("up", "capmarket_dead_letters_total", "capmarket_stream_thread_replacements_total",
                "kafka_consumer_fetch_manager_records_lag_max");
        assertThat(used).allSatisfy(name -> assertThat(sources.exports(name)).as(name + " is exported by the code").isTrue());
        assertThat(sources.exports("capmarket_no_such_metric_total")).isFalse();
        assertThat(sources.exports("kafka_consumer_fetch_manager_no_such_metric")).isFalse();
    }

    @Test
    void theTopicsAndHeadersTheManifestsNameAreTheCatalogues() throws Exception {
        Map<String, String> settings = resource(ConfigMap.class, "capmarket-settings").getData();
        assertThat(settings).containsEntry("CAPMARKET_TOPICS_PREFIX", Topics.DEFAULT_PREFIX);
        assertThat(Integer.parseInt(settings.get("CAPMARKET_TOPICS_REPLICATION_FACTOR"))).as("replicas of every topic").isEqualTo(3);
        Topics topics = Topics.defaults();
        Set<String> catalogue = new TreeSet<>();
        for (Topic<?, ?> topic : topics.shared()) {
            catalogue.add(topic.name().substring(topics.prefix().length()));
        }
        Set<String> headers = new TreeSet<>();
        for (Field field : DeadLetterHeaders.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                headers.add((String) field.get(null));
            }
        }
        List<String> texts = new ArrayList<>();
        resource(PrometheusRule.class, "capmarket").getSpec().getGroups().forEach(group -> group.getRules().forEach(rule ->
                texts.addAll(rule.getAnnotations().values())));
        Matcher topic = Pattern.compile("the ([a-z][a-z-]+) topic").matcher(String.join("\n", texts));
        List<String> named = new ArrayList<>();
        while (topic.find()) {
            named.add(topic.group(1));
        }
        assertThat(named).as("topics the alerts send operators to").isNotEmpty().allSatisfy(n -> assertThat(catalogue).contains(n));
        Matcher header = Pattern.compile("capmarket\\.dlq\\.[a-z.]*[a-z]").matcher(String.join("\n", texts));
        while (header.find()) {
            assertThat(headers).as("dead-letter headers").contains(header.group());
        }
    }

    @Test
    void noSecretIsWrittenInTheManifests() throws IOException {
        // a Secret is no kind the manifests may hold (KubernetesManifests refuses it): credentials are created apart
        base.values().forEach(resource -> assertThat(resource.getKind()).isNotEqualTo("Secret"));
        for (String workload : List.of(TOPOLOGY, GATEWAY)) {
            PodTemplateSpec template = workload.equals(TOPOLOGY) ? resource(StatefulSet.class, workload).getSpec().getTemplate()
                    : resource(Deployment.class, workload).getSpec().getTemplate();
            onlyContainer(template).getEnv().forEach(variable -> {
                String name = variable.getName();
                if (name.contains("PASSWORD") || name.contains("JAAS") || name.contains("USER_INFO") || name.contains("SECRET")) {
                    assertThat(variable.getValue()).as(workload + ": " + name + " is no literal").isNull();
                }
            });
        }
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContainPattern("(?i)password\\s*[=:]")
                        .doesNotContain("LoginModule");
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private <T extends HasMetadata> T resource(Class<T> kind, String name) {
        return base.values().stream().filter(kind::isInstance).map(kind::cast).filter(r -> r.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("deploy/kubernetes/base has no " + kind.getSimpleName() + " " + name));
    }

    private static Container onlyContainer(PodTemplateSpec template) {
        assertThat(template.getSpec().getContainers()).hasSize(1);
        return template.getSpec().getContainers().get(0);
    }

    private static VolumeMount mountAt(Container container, String path) {
        return container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at " + path));
    }

    /** The container's CAPMARKET_ settings: its ConfigMaps' data, then its own variables (a reference's value: a sample). */
    private Map<String, String> settings(Container container, String workload) {
        Map<String, String> environment = new HashMap<>();
        container.getEnvFrom().forEach(source -> {
            assertThat(source.getConfigMapRef()).as(workload + " takes settings from ConfigMaps only").isNotNull();
            environment.putAll(resource(ConfigMap.class, source.getConfigMapRef().getName()).getData());
        });
        container.getEnv().forEach(variable -> environment.put(variable.getName(),
                variable.getValue() != null ? variable.getValue() : "10.0.0.1"));
        return environment;
    }

    /** The settings with the connection onboarding's settings file gives, in its place. */
    private static Map<String, String> connected(Map<String, String> environment) {
        Map<String, String> all = new HashMap<>(environment);
        all.remove("CAPMARKET_CLIENT_PROPERTIES");
        all.put("CAPMARKET_BOOTSTRAP_SERVERS", "kafka:9092");
        all.put("CAPMARKET_SCHEMA_REGISTRY_URL", "http://registry:8081");
        return all;
    }

    private static void assertServes(Container container, String portName, int port) {
        assertThat(container.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo(portName);
            assertThat(p.getContainerPort()).isEqualTo(port);
        });
        Map<String, Probe> probes = Map.of("/health/live", container.getLivenessProbe(), "/health/ready", container.getReadinessProbe());
        probes.forEach((path, probe) -> {
            assertThat(probe).as(container.getName() + " probes " + path).isNotNull();
            assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo(portName);
        });
        assertThat(container.getStartupProbe()).as(container.getName() + ": a start that restores state is not killed").isNotNull();
    }

    /** The settings file is onboarding's for the principal, in a read-only mount of that principal's Secret. */
    private static void assertReadsItsPrincipalsSecret(PodTemplateSpec template, Container container, String principal) {
        String file = container.getEnv().stream().filter(e -> e.getName().equals("CAPMARKET_CLIENT_PROPERTIES")).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no CAPMARKET_CLIENT_PROPERTIES")).getValue();
        assertThat(Path.of(file).getFileName()).hasToString(principal + ".properties");
        VolumeMount mount = mountAt(container, Path.of(file).getParent().toString());
        assertThat(mount.getReadOnly()).as(container.getName() + " may not change its credentials").isTrue();
        Volume volume = template.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getSecret()).as(container.getName() + "'s credentials are a Secret").isNotNull();
        assertThat(volume.getSecret().getSecretName()).isEqualTo(principal + "-credentials");
    }

    private static void assertRunsAsTheImagesUserWithALimit(PodTemplateSpec template, Container container, Image image) {
        PodSpec pod = template.getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo((long) image.uid());
        assertThat(pod.getSecurityContext().getFsGroup()).as("volumes writable by the pod's group").isNotNull();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
        if (Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem())) {
            mountAt(container, "/tmp");
        }
        assertThat(container.getResources().getLimits()).as(container.getName() + ": the JVM sizes its heap from the limit")
                .containsKey("memory");
    }

    private void assertDisruptionBudgetSelects(String name, PodTemplateSpec template) {
        PodDisruptionBudget budget = resource(PodDisruptionBudget.class, name);
        assertThat(template.getMetadata().getLabels()).as(name + "'s budget selects its pods")
                .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getMinAvailable() != null || budget.getSpec().getMaxUnavailable() != null).as(name).isTrue();
    }
}
