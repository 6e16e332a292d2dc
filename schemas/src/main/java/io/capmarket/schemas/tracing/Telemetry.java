package io.capmarket.schemas.tracing;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up an application's OpenTelemetry SDK at its edge, from OpenTelemetry's own settings
 * ({@code OTEL_TRACES_EXPORTER=otlp|logging|console}, {@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_SERVICE_NAME}..., or the matching {@code otel.*} system properties). Without a traces
 * exporter set, nothing is installed and spans are not recorded (trace context still passes
 * through records). The code itself only uses the API ({@link RecordTracing#tracer()}).
 */
public final class Telemetry {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final String AUTOCONFIGURE = "io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk";

    private Telemetry() {
    }

    /**
     * Installs the SDK as the process's OpenTelemetry once, when a traces exporter is configured.
     *
     * @param serviceName the service name unless {@code OTEL_SERVICE_NAME} names one
     * @return whether spans are now exported
     */
    public static boolean installFromEnvironment(String serviceName) {
        return install(serviceName, System.getenv(), System::getProperty);
    }

    static boolean install(String serviceName, Map<String, String> env, UnaryOperator<String> properties) {
        String exporter = properties.apply("otel.traces.exporter");
        if (exporter == null) {
            exporter = env.get("OTEL_TRACES_EXPORTER");
        }
        if (exporter == null || exporter.isBlank() || exporter.trim().toLowerCase(Locale.ROOT).equals("none")) {
            return false;
        }
        if (!INSTALLED.compareAndSet(false, true)) {
            return true;
        }
        try {
            Class.forName(AUTOCONFIGURE, false, Telemetry.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            LOG.warn("traces exporter '{}' is configured, but the OpenTelemetry SDK is not on the classpath: spans are not exported",
                    exporter);
            return false;
        }
        if (properties.apply("otel.service.name") == null && env.get("OTEL_SERVICE_NAME") == null) {
            System.setProperty("otel.service.name", serviceName);
        }
        // capmarket exports traces this way; its metrics are Prometheus' and its logs log4j's, unless asked otherwise
        for (String signal : new String[] {"metrics", "logs"}) {
            if (properties.apply("otel." + signal + ".exporter") == null && env.get("OTEL_" + signal.toUpperCase(Locale.ROOT) + "_EXPORTER") == null) {
                System.setProperty("otel." + signal + ".exporter", "none");
            }
        }
        Sdk.install();
        LOG.info("tracing: spans exported with '{}' as service {}", exporter,
                properties.apply("otel.service.name") != null ? properties.apply("otel.service.name")
                        : env.getOrDefault("OTEL_SERVICE_NAME", serviceName));
        return true;
    }

    /** Only loaded once the SDK is known to be on the classpath. */
    private static final class Sdk {
        static void install() {
            io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk.builder().setResultAsGlobal().build();
        }
    }
}
