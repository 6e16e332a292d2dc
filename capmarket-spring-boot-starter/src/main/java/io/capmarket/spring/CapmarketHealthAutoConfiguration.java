package io.capmarket.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code capmarket} health indicator, when the application has Actuator's health support
 * ({@code management.health.capmarket.enabled=false} turns it off).
 */
@AutoConfiguration(after = CapmarketAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(CapmarketProducerLifecycle.class)
@ConditionalOnEnabledHealthIndicator("capmarket")
public class CapmarketHealthAutoConfiguration {

    /** The indicator over the application's producer client. */
    @Bean
    @ConditionalOnMissingBean(name = "capmarketHealthIndicator")
    CapmarketHealthIndicator capmarketHealthIndicator(CapmarketProducerLifecycle lifecycle) {
        return new CapmarketHealthIndicator(lifecycle);
    }
}
