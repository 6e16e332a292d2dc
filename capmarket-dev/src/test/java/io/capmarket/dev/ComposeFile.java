package io.capmarket.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml as the checks read it: its services with their settings as the containers get
 * them (anchors merged, Compose's {@code $$} turned into the {@code $} the program sees), their
 * mounts, networks and dependencies, and Kafka's settings as the apache/kafka image turns its
 * {@code KAFKA_*} variables into {@code server.properties}.
 */
final class ComposeFile {

    static final Path ROOT = Path.of("..");

    /** The apache/kafka image's launcher variables, which do not become broker settings (its KafkaDockerWrapper). */
    private static final Set<String> KAFKA_LAUNCHER_VARIABLES = Set.of("KAFKA_VERSION", "KAFKA_HEAP_OPTS", "KAFKA_LOG4J_OPTS",
            "KAFKA_OPTS", "KAFKA_JMX_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_ROOT_LOGLEVEL",
            "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL", "KAFKA_JMX_HOSTNAME");

    /** A volume or a file of the host mounted into a container. */
    record Mount(String source, String target, boolean readOnly) {

        /** A named volume (declared under {@code volumes:}) rather than a path of the host. */
        boolean named() {
            return !source.startsWith(".") && !source.startsWith("/");
        }
    }

    private final Map<String, Object> compose;
    private final Map<String, Map<String, Object>> services;

    private ComposeFile(Map<String, Object> compose) {
        this.compose = compose;
        this.services = cast(compose.get("services"));
    }

    static ComposeFile read() {
        try {
            return new ComposeFile(new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read docker-compose.yml", e);
        }
    }

    static String text() {
        try {
            return Files.readString(ROOT.resolve("docker-compose.yml"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read docker-compose.yml", e);
        }
    }

    Map<String, Map<String, Object>> services() {
        return services;
    }

    Map<String, Object> service(String name) {
        Map<String, Object> service = services.get(name);
        if (service == null) {
            throw new AssertionError("docker-compose.yml has no service " + name);
        }
        return service;
    }

    /** The service's environment as the container gets it: {@code $$} is a {@code $}. */
    Map<String, String> environment(String service) {
        Map<String, String> environment = new TreeMap<>();
        Object raw = service(service).get("environment");
        if (raw != null) {
            ((Map<?, ?>) raw).forEach((k, v) -> environment.put(k.toString(), v.toString().replace("$$", "$")));
        }
        return environment;
    }

    List<Mount> mounts(String service) {
        List<Mount> mounts = new ArrayList<>();
        Object raw = service(service).get("volumes");
        if (raw != null) {
            for (Object entry : (List<?>) raw) {
                String[] parts = entry.toString().split(":");
                mounts.add(new Mount(parts[0], parts[1], parts.length > 2 && parts[2].equals("ro")));
            }
        }
        return mounts;
    }

    Optional<Mount> mountAt(String service, String target) {
        return mounts(service).stream().filter(m -> m.target().equals(target)).findFirst();
    }

    /** The networks a service is on: none with {@code network_mode: none}, {@code default} when it names none. */
    List<String> networks(String service) {
        if ("none".equals(service(service).get("network_mode"))) {
            return List.of();
        }
        Object raw = service(service).get("networks");
        return raw == null ? List.of("default") : ((List<?>) raw).stream().map(Object::toString).toList();
    }

    Map<String, Object> network(String name) {
        Map<String, Object> networks = cast(compose.get("networks"));
        return networks == null || networks.get(name) == null ? Map.of() : cast(networks.get(name));
    }

    /** What a service waits for: the service it depends on and the condition ({@code service_started} in the short form). */
    Map<String, String> dependsOn(String service) {
        Map<String, String> conditions = new LinkedHashMap<>();
        Object raw = service(service).get("depends_on");
        if (raw instanceof List<?> list) {
            list.forEach(name -> conditions.put(name.toString(), "service_started"));
        } else if (raw instanceof Map<?, ?> map) {
            map.forEach((name, spec) -> conditions.put(name.toString(), ((Map<?, ?>) spec).get("condition").toString()));
        }
        return conditions;
    }

    /** The service's image: every service runs one (capmarket's are built by Jib, none here). */
    String image(String service) {
        Object image = service(service).get("image");
        if (image == null) {
            throw new AssertionError("docker-compose.yml: service " + service + " names no image");
        }
        return image.toString();
    }

    /** The service's restart policy ({@code no} when it gives none, as Compose's default). */
    String restart(String service) {
        return String.valueOf(service(service).getOrDefault("restart", "no"));
    }

    /** A step that runs once and exits: it does not restart, or only on failure. */
    boolean oneShot(String service) {
        String restart = restart(service);
        return restart.equals("no") || restart.startsWith("on-failure");
    }

    /** The service's entrypoint (or command) as one line. */
    String entrypoint(String service) {
        Object raw = service(service).getOrDefault("entrypoint", service(service).get("command"));
        if (raw == null) {
            return "";
        }
        return raw instanceof List<?> list ? String.join(" ", list.stream().map(Object::toString).toList()) : raw.toString();
    }

    /**
     * A Kafka service's broker settings as the apache/kafka image writes them to
     * {@code server.properties}: every {@code KAFKA_*} variable but the launcher's, {@code KAFKA_}
     * dropped, lower case, {@code _} as {@code .}, then {@code ...} as {@code -} and {@code ..} as {@code _}.
     */
    Map<String, String> kafkaBrokerConfig(String service) {
        Map<String, String> config = new TreeMap<>();
        environment(service).forEach((variable, value) -> {
            if (variable.startsWith("KAFKA_") && !KAFKA_LAUNCHER_VARIABLES.contains(variable)) {
                config.put(kafkaKey(variable), value);
            }
        });
        return config;
    }

    static String kafkaKey(String variable) {
        return variable.replaceFirst("KAFKA_", "").toLowerCase(Locale.ROOT).replace("_", ".").replace("...", "-").replace("..", "_");
    }

    /** Every service that mounts this named volume. */
    List<String> servicesMounting(String volume) {
        return services.keySet().stream().filter(s -> mounts(s).stream().anyMatch(m -> m.named() && m.source().equals(volume))).toList();
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
