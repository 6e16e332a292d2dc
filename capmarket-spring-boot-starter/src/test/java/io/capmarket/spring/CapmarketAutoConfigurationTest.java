package io.capmarket.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.sdk.ProducerListener;
import io.capmarket.sdk.micrometer.MicrometerProducerListener;
import io.capmarket.spring.internal.HandlerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configuration without a broker: settings, handlers and offers are checked when the context starts. */
class CapmarketAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CapmarketAutoConfiguration.class, CapmarketHealthAutoConfiguration.class))
            .withPropertyValues("capmarket.producer-id=db-team", "capmarket.bootstrap-servers=127.0.0.1:9",
                    "capmarket.schema-registry-url=http://127.0.0.1:9", "capmarket.auto-startup=false");

    @Test
    void handlerMethodsAndHandlerBeansAreFoundOnePerCapability() {
        runner.withUserConfiguration(Handlers.Both.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CapmarketProducerLifecycle.class);
            assertThat(context.getBean(HandlerRegistry.class).handlers()).containsOnlyKeys("postgres-database", "kafka-topic");
            assertThat(context.getBean(HandlerRegistry.class).handlers().get("postgres-database").declaredAt())
                    .isEqualTo("method io.capmarket.spring.Handlers$Databases.create of bean databases");
            assertThat(context.getBean(CapmarketProducerLifecycle.class).isRunning()).isFalse();
        });
    }

    @Test
    void twoHandlersOfOneCapabilityStopTheContextNamingBoth() {
        runner.withUserConfiguration(Handlers.Both.class).withBean(Handlers.MoreDatabases.class).run(context ->
                assertThat(context).getFailure().rootCause().hasMessage("capability postgres-database must have one "
                        + "@CapmarketHandler, but has two: method io.capmarket.spring.Handlers$MoreDatabases.create of bean "
                        + "handlers.MoreDatabases and method io.capmarket.spring.Handlers$Databases.create of bean databases"));
    }

    @Test
    void aMethodThatCannotBeAHandlerStopsTheContextWithTheRule() {
        runner.withBean(Handlers.WrongSignature.class).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("must take (Assignment, FulfilmentContext) and "
                        + "return void or a CompletionStage, but is java.lang.String"));
    }

    @Test
    void anOfferWhoseCapabilityHasNoHandlerStopsTheContext() {
        runner.withUserConfiguration(Handlers.OnlyDatabases.class).run(context ->
                assertThat(context).getFailure().hasMessage("every offer's capability must have a @CapmarketHandler, "
                        + "but these offers have none: [starter-topic (kafka-topic)]"));
    }

    @Test
    void theRebalanceDrainReachesTheSdkWhichRefusesANegativeOne() {
        refusedThenAccepted("capmarket.rebalance-drain=-1s", "rebalanceDrain must be 0 or more, but was PT-1S",
                "capmarket.rebalance-drain=10s");
    }

    @Test
    void theHandlerTimeoutReachesTheSdkWhichRefusesZero() {
        refusedThenAccepted("capmarket.handler-timeout=0s", "handlerTimeout must be greater than 0, but was PT0S",
                "capmarket.handler-timeout=2h");
    }

    /** The SDK refuses {@code bad} with {@code message}, so the context does not start, and takes {@code good}. */
    private void refusedThenAccepted(String bad, String message, String good) {
        runner.withUserConfiguration(Handlers.Both.class).withPropertyValues(bad).run(context ->
                assertThat(context).getFailure().rootCause().hasMessage(message));
        runner.withUserConfiguration(Handlers.Both.class).withPropertyValues(good).run(context ->
                assertThat(context).hasNotFailed());
    }

    @Test
    void theProducerIdIsRequiredByItsPropertyName() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CapmarketAutoConfiguration.class))
                .withUserConfiguration(Handlers.Both.class).run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageStartingWith("capmarket.producer-id must name the "
                                + "onboarded producer"));
    }

    @Test
    void springKafkaSettingsServeWhenCapmarketHasNone() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CapmarketAutoConfiguration.class))
                .withUserConfiguration(Handlers.Both.class)
                .withPropertyValues("capmarket.producer-id=db-team", "spring.kafka.bootstrap-servers=127.0.0.1:9")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("capmarket.schema-registry-url (or schema.registry.url in capmarket.client-properties, "
                                + "or spring.kafka.properties.schema.registry.url)"));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CapmarketAutoConfiguration.class))
                .withUserConfiguration(Handlers.Both.class)
                .withPropertyValues("capmarket.producer-id=db-team", "spring.kafka.bootstrap-servers=127.0.0.1:9",
                        "spring.kafka.properties.schema.registry.url=registry:8081")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessage("schemaRegistryUrl must be http:// or https:// URLs, but was 'registry:8081'"));
    }

    @Test
    void theClientPropertiesFileIsReadFromAPlainPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("db-team.properties");
        Files.writeString(file, "bootstrap.servers=127.0.0.1:9\nschema.registry.url=registry-without-scheme\n");
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CapmarketAutoConfiguration.class))
                .withUserConfiguration(Handlers.Both.class)
                .withPropertyValues("capmarket.producer-id=db-team", "capmarket.client-properties=" + file,
                        "spring.kafka.properties.schema.registry.url=http://127.0.0.1:9")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessage("schemaRegistryUrl must be http:// or https:// URLs, but was 'registry-without-scheme'"));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CapmarketAutoConfiguration.class))
                .withUserConfiguration(Handlers.Both.class)
                .withPropertyValues("capmarket.producer-id=db-team", "capmarket.client-properties=" + dir.resolve("missing"))
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("capmarket.client-properties must be a readable properties file, but "));
    }

    @Test
    void anInvalidOfferFileStopsTheContextWithFileAndLine() {
        runner.withUserConfiguration(Handlers.Both.class).withPropertyValues("capmarket.offers=classpath*:broken-offers/*.yaml")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("broken-offers/bad.yaml:3: "
                        + "capacity must be a whole number, but was 'many'"));
    }

    @Test
    void theSdkMetersGoToTheApplicationsRegistry() {
        runner.withUserConfiguration(Handlers.Both.class).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context ->
                assertThat(context.getBean("capmarketMetrics", ProducerListener.class)).isInstanceOf(MicrometerProducerListener.class));
        runner.withUserConfiguration(Handlers.Both.class).run(context ->
                assertThat(context.getBean("capmarketMetrics", ProducerListener.class)).isSameAs(ProducerListener.NONE));
    }

    @Test
    void healthIsDownWhileTheClientIsNotRunning() {
        runner.withUserConfiguration(Handlers.Both.class).run(context -> {
            Health health = context.getBean(CapmarketHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("producerId", "db-team").containsEntry("reason",
                    "the producer client is not running");
        });
    }

    @Test
    void healthIsDownWhenHeartbeatsStopComing() {
        java.time.Instant last = java.time.Instant.parse("2026-12-01T10:00:00Z");
        CapmarketProducerLifecycle.Status status = new CapmarketProducerLifecycle.Status(true, "db-team", 1, 0, last, true, null,
                java.time.Duration.ofSeconds(10));

        Health.Builder onTime = Health.unknown();
        CapmarketHealthIndicator.report(status, last.plusSeconds(30), onTime);
        Health.Builder late = Health.unknown();
        CapmarketHealthIndicator.report(status, last.plusSeconds(31), late);

        assertThat(onTime.build().getStatus()).isEqualTo(Status.UP);
        assertThat(late.build().getStatus()).isEqualTo(Status.DOWN);
        assertThat(late.build().getDetails().get("reason").toString()).startsWith("no heartbeat for 31 s, where one is due every 10 s");
    }

    @Test
    void everyHealthCheckOfTheContextMustSayHealthy() throws Exception {
        assertThat(CapmarketAutoConfiguration.allOf(java.util.List.of()).healthy()).isTrue();
        assertThat(CapmarketAutoConfiguration.allOf(java.util.List.of(() -> true, () -> false)).healthy()).isFalse();
        assertThat(CapmarketAutoConfiguration.allOf(java.util.List.of(() -> true, () -> true)).healthy()).isTrue();
        runner.withUserConfiguration(Handlers.Both.class).withBean("first", io.capmarket.sdk.HealthCheck.class, () -> () -> true)
                .withBean("second", io.capmarket.sdk.HealthCheck.class, () -> () -> false)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void itAllBacksOffWhenDisabled() {
        runner.withUserConfiguration(Handlers.Both.class).withPropertyValues("capmarket.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(CapmarketProducerLifecycle.class)
                        .doesNotHaveBean(CapmarketHealthIndicator.class));
    }
}
