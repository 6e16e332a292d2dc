package io.capmarket.examples.springpostgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.spring.CapmarketHealthIndicator;
import io.capmarket.spring.CapmarketProducerLifecycle;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The application context as it starts in production, without connecting: the starter has read
 * and checked the offer files, found the handler of every offered capability (or the context would
 * not start), and accepted the kafka-clients on this classpath (capmarket-bom's, not Spring Boot's).
 */
@SpringBootTest(properties = "capmarket.auto-startup=false")
class SpringPostgresProviderTest {

    @Autowired
    CapmarketProducerLifecycle capmarket;

    @Autowired
    CapmarketHealthIndicator health;

    @Test
    void theProducerIsConfiguredAndWaitsForTheStart() {
        assertThat(capmarket.producerId()).isEqualTo("db-team");
        assertThat(capmarket.isRunning()).isFalse();
        assertThat(health.health(true).getDetails()).containsEntry("producerId", "db-team");
    }
}
