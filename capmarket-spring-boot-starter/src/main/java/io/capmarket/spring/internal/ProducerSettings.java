package io.capmarket.spring.internal;

import io.capmarket.sdk.CapmarketException;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.CapmarketProducerBuilder;
import io.capmarket.sdk.Offer;
import io.capmarket.spring.CapmarketProperties;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Turns {@code capmarket.*} into an SDK builder: a connection setting not given there comes from
 * the client properties file ({@code capmarket.client-properties}, the producer's own, as
 * onboarding writes it), then from Spring Kafka's settings. Every setting is checked at the
 * application's start, so that a mistake stops the context with the property's name rather than
 * surfacing at the first assignment.
 */
public final class ProducerSettings {

    static final String SPRING_KAFKA_BOOTSTRAP = "spring.kafka.bootstrap-servers";
    static final String SPRING_KAFKA_REGISTRY = "spring.kafka.properties.schema.registry.url";

    private ProducerSettings() {
    }

    /** A builder with every setting but the handler and the listeners; the offers are declared on it. */
    public static CapmarketProducerBuilder builder(CapmarketProperties settings, Environment env, ResourcePatternResolver resources,
            List<Offer> offers) {
        if (settings.producerId() == null || settings.producerId().isBlank()) {
            throw new IllegalStateException("capmarket.producer-id must name the onboarded producer this application acts for, "
                    + "but was not set");
        }
        CapmarketProducerBuilder builder = CapmarketProducer.builder();
        try {
            builder.producerId(settings.producerId());
            Properties file = clientProperties(settings.clientProperties(), resources);
            builder.properties(file);
            String bootstrap = first(settings.bootstrapServers(), file.getProperty("bootstrap.servers"), springKafkaBootstrap(env));
            String registry = first(settings.schemaRegistryUrl(), file.getProperty("schema.registry.url"),
                    springKafkaRegistry(env));
            if (bootstrap == null) {
                throw new IllegalStateException("capmarket.bootstrap-servers (or bootstrap.servers in capmarket.client-properties, "
                        + "or " + SPRING_KAFKA_BOOTSTRAP + ") must be set, but none was");
            }
            if (registry == null) {
                throw new IllegalStateException("capmarket.schema-registry-url (or schema.registry.url in "
                        + "capmarket.client-properties, or " + SPRING_KAFKA_REGISTRY + ") must be set, but none was");
            }
            builder.bootstrapServers(bootstrap).schemaRegistryUrl(registry);
            if (settings.topicPrefix() != null && !settings.topicPrefix().isBlank()) {
                builder.topicPrefix(settings.topicPrefix());
            }
            builder.kafkaProperties(settings.kafka()).serdeProperties(settings.serde())
                    .autoAccept(settings.autoAccept()).defaultCapacity(settings.defaultCapacity()).offers(offers);
            if (settings.heartbeatInterval() != null) {
                builder.heartbeatInterval(settings.heartbeatInterval());
            }
            if (settings.shutdownTimeout() != null) {
                builder.shutdownTimeout(settings.shutdownTimeout());
            }
            if (settings.publishTimeout() != null) {
                builder.publishTimeout(settings.publishTimeout());
            }
            if (settings.rebalanceDrain() != null) {
                builder.rebalanceDrain(settings.rebalanceDrain());
            }
            if (settings.handlerTimeout() != null) {
                builder.handlerTimeout(settings.handlerTimeout());
            }
        } catch (CapmarketException e) {
            throw new IllegalStateException("capmarket.*: " + e.getMessage(), e);
        }
        return builder;
    }

    private static String springKafkaBootstrap(Environment env) {
        return Binder.get(env).bind(SPRING_KAFKA_BOOTSTRAP, Bindable.listOf(String.class))
                .map(servers -> String.join(",", servers)).orElse(null);
    }

    /** Spring Kafka's pass-through {@code spring.kafka.properties.*}, however the key is written (dotted or {@code [bracketed]}). */
    private static String springKafkaRegistry(Environment env) {
        return Binder.get(env).bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class))
                .map(properties -> properties.get("schema.registry.url")).orElse(null);
    }

    private static Properties clientProperties(String location, ResourcePatternResolver resources) {
        Properties properties = new Properties();
        if (location == null || location.isBlank()) {
            return properties;
        }
        location = location.trim();
        // a plain path is a file, as CAPMARKET_CLIENT_PROPERTIES names it; a location with a scheme is a Spring resource
        Resource resource = resources.getResource(location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") ? location : "file:" + location);
        try (InputStream in = resource.getInputStream()) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("capmarket.client-properties must be a readable properties file, but " + location
                    + " is not: " + e.getMessage(), e);
        }
        return properties;
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }
}
