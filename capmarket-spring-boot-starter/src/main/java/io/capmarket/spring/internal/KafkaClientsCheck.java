package io.capmarket.spring.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Refuses an older kafka-clients than the one the SDK is built and tested with. Spring Boot's
 * dependency management pins its own {@code kafka.version}, which silently replaces the SDK's
 * unless the build imports {@code capmarket-bom} before Boot's or sets {@code kafka.version}.
 */
public final class KafkaClientsCheck {

    private static final String BUILT_WITH = "META-INF/capmarket/kafka-clients.properties";

    private KafkaClientsCheck() {
    }

    /** The kafka-clients version the SDK was built with. */
    public static String builtWith() {
        return property(KafkaClientsCheck.class, BUILT_WITH, "kafka-clients.version");
    }

    /**
     * The version of the kafka-clients jar that holds the client classes, as it reports itself
     * (Kafka's own jars each carry a version file, so looking that file up could find another jar's).
     */
    public static String onClasspath() {
        // AppInfoParser moved to an internals package in kafka-clients 4.4
        for (String name : List.of("org.apache.kafka.common.utils.internals.AppInfoParser", "org.apache.kafka.common.utils.AppInfoParser")) {
            try {
                return (String) Class.forName(name, true, KafkaProducer.class.getClassLoader()).getMethod("getVersion").invoke(null);
            } catch (ClassNotFoundException e) {
                // the other name
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot ask kafka-clients for its version through " + name + ": " + e, e);
            }
        }
        throw new IllegalStateException("cannot tell the kafka-clients version: it has no AppInfoParser");
    }

    /** Checks the kafka-clients on the classpath. */
    public static void require() {
        require(builtWith(), onClasspath());
    }

    private static String property(Class<?> owner, String resource, String key) {
        try (InputStream in = owner.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar of " + owner.getName());
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty(key, "unknown").trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    /** Checks that {@code actual} is not older than {@code expected} by major and minor version. */
    static void require(String expected, String actual) {
        if (compare(actual, expected) < 0) {
            throw new IllegalStateException("kafka-clients must be " + expected + " or newer for the capmarket producer SDK, but "
                    + actual + " is on the classpath (Spring Boot's dependency management pins its own kafka.version). Import "
                    + "io.capmarket:capmarket-bom before spring-boot-dependencies, or with spring-boot-starter-parent set the "
                    + "Maven property kafka.version to " + expected + "; capmarket.check-kafka-clients=false starts anyway");
        }
    }

    private static int compare(String a, String b) {
        int[] x = majorMinor(a);
        int[] y = majorMinor(b);
        return x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]);
    }

    private static int[] majorMinor(String version) {
        String[] parts = version.split("[.-]");
        try {
            return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
        } catch (NumberFormatException e) {
            throw new IllegalStateException("kafka-clients version must be numeric (major.minor…), but was " + version, e);
        }
    }
}
