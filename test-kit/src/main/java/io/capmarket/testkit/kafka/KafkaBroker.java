package io.capmarket.testkit.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * A running Kafka cluster that tests and the dev run can talk to.
 *
 * <p>Obtain one with {@link #fromSystemProperties()} (which honours {@value #SYSTEM_PROPERTY}),
 * with {@link EmbeddedKafkaBroker#builder()}, or, in JUnit 5 tests, by registering
 * {@link KafkaBrokerExtension} and declaring a {@code KafkaBroker} parameter. Closing a broker
 * stops it and releases everything it holds.
 */
public interface KafkaBroker extends AutoCloseable {

    /** The system property choosing the implementation: {@code auto}, {@code testcontainers} or {@code embedded}. */
    String SYSTEM_PROPERTY = "kafka.broker";

    /**
     * Returns the {@code bootstrap.servers} value for clients of this broker.
     *
     * @return a comma-separated {@code host:port} list
     */
    String bootstrapServers();

    /**
     * Returns the settings an admin client of this broker needs: {@code bootstrap.servers}, plus
     * the super user's security settings when the broker authenticates its clients.
     *
     * @return a new mutable map, to add client settings to
     */
    default Map<String, Object> adminClientConfig() {
        return new HashMap<>(Map.of("bootstrap.servers", bootstrapServers()));
    }

    /** Stops the broker and releases its resources. */
    @Override
    void close();

    /**
     * Starts a broker chosen by the system property {@value #SYSTEM_PROPERTY}: {@code auto}
     * (the default) uses Testcontainers when a Docker engine answers and the in-JVM
     * {@link EmbeddedKafkaBroker} otherwise; {@code testcontainers} and {@code embedded} force one.
     *
     * @return a started broker; the caller closes it
     * @throws IllegalArgumentException if the property holds an unknown value
     */
    static KafkaBroker fromSystemProperties() {
        return BrokerKind.parse(System.getProperty(SYSTEM_PROPERTY))
                .resolve(DockerProbe::isDockerAvailable)
                .start();
    }
}
