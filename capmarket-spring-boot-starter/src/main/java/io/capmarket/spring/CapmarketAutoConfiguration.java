package io.capmarket.spring;

import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.HealthCheck;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.micrometer.MicrometerProducerListener;
import io.capmarket.spring.internal.ClasspathOffers;
import io.capmarket.spring.internal.HandlerRegistry;
import io.capmarket.spring.internal.KafkaClientsCheck;
import io.capmarket.spring.internal.ProducerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Runs a capmarket producer inside a Spring Boot application: the {@link CapmarketProducerLifecycle}
 * built from {@link CapmarketProperties}, dispatching to the {@link CapmarketHandler} handlers,
 * with the offers from <code>classpath*:offers/**&#47;*.yaml</code>; and, when the application has them, the
 * SDK's meters in its {@code MeterRegistry} (and, with {@link CapmarketHealthAutoConfiguration}, a
 * {@code capmarket} health indicator). Every bean
 * backs off when the application defines its own; {@code capmarket.enabled=false} turns it all off.
 */
@AutoConfiguration
@ConditionalOnClass(CapmarketProducer.class)
@ConditionalOnBooleanProperty(name = "capmarket.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CapmarketProperties.class)
public class CapmarketAutoConfiguration {

    /** Finds the {@link CapmarketHandler} beans and methods. */
    @Bean
    @ConditionalOnMissingBean
    static HandlerRegistry capmarketHandlerRegistry() {
        return new HandlerRegistry();
    }

    /** The producer client, checked now and started after the context's refresh. */
    @Bean
    @ConditionalOnMissingBean
    CapmarketProducerLifecycle capmarketProducerLifecycle(CapmarketProperties settings, Environment env, ResourcePatternResolver resources,
            HandlerRegistry handlers, ObjectProvider<HealthCheck> healthCheck, ObjectProvider<ProducerListener> listeners) {
        if (settings.checkKafkaClients()) {
            KafkaClientsCheck.require();
        }
        List<Offer> offers = ClasspathOffers.read(resources, settings.offers());
        ProducerSettings.builder(settings, env, resources, offers); // every setting checked at refresh, not at start
        return new CapmarketProducerLifecycle(() -> ProducerSettings.builder(settings, env, resources, offers), settings.producerId(),
                offers, handlers, listeners.orderedStream().toList(), allOf(healthCheck.orderedStream().toList()),
                settings.publishOffers(), settings.autoStartup(),
                settings.heartbeatInterval() == null ? CapmarketProducer.DEFAULT_HEARTBEAT_INTERVAL : settings.heartbeatInterval());
    }

    /** Healthy when every one of the context's health checks says so (and when it has none). */
    static HealthCheck allOf(List<HealthCheck> checks) {
        if (checks.isEmpty()) {
            return HealthCheck.ALWAYS_HEALTHY;
        }
        return () -> {
            for (HealthCheck check : checks) {
                if (!check.healthy()) {
                    return false;
                }
            }
            return true;
        };
    }

    /** The SDK's meters in the application's registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean(MicrometerProducerListener.class)
        ProducerListener capmarketMetrics(ObjectProvider<MeterRegistry> registries, CapmarketProperties settings) {
            MeterRegistry registry = registries.getIfUnique();
            return registry == null || settings.producerId() == null ? ProducerListener.NONE
                    : new MicrometerProducerListener(registry, settings.producerId());
        }
    }
}
