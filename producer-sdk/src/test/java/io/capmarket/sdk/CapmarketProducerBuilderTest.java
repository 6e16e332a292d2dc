package io.capmarket.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CapmarketProducerBuilderTest {

    @Test
    void buildNamesEveryMissingRequiredSetting() {
        assertThatThrownBy(() -> CapmarketProducer.builder().build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("bootstrapServers, schemaRegistryUrl, producerId are required, but were not set");
        assertThatThrownBy(() -> CapmarketProducer.builder().bootstrapServers("k:9092").schemaRegistryUrl("http://r:8081").build())
                .hasMessage("producerId is required, but was not set");
    }

    @Test
    void settersRejectBadValuesNamingSettingValueAndRule() {
        CapmarketProducerBuilder b = CapmarketProducer.builder();
        assertThatThrownBy(() -> b.producerId("db team")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("producerId must be 1 to 200 characters").hasMessageContaining("but was 'db team'");
        assertThatThrownBy(() -> b.schemaRegistryUrl("registry:8081"))
                .hasMessage("schemaRegistryUrl must be http:// or https:// URLs, but was 'registry:8081'");
        assertThatThrownBy(() -> b.heartbeatInterval(Duration.ZERO)).hasMessage("heartbeatInterval must be greater than 0, but was PT0S");
        assertThatThrownBy(() -> b.defaultCapacity(-3)).hasMessage("defaultCapacity must be greater than 0, but was -3");
        assertThatThrownBy(() -> b.topicPrefix("cap market.")).hasMessageContaining("topic prefix must be");
        assertThatThrownBy(() -> b.sasl("GSSAPI", "u", "p"))
                .hasMessage("sasl mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, but was 'GSSAPI'");
        assertThatThrownBy(() -> b.bootstrapServers(" ")).hasMessage("bootstrapServers must be host:port[,host:port], but was blank");
    }

    @Test
    void aRegistryUrlIsNeverEchoedWithItsCredentials() {
        CapmarketProducerBuilder b = CapmarketProducer.builder();
        assertThatThrownBy(() -> b.schemaRegistryUrl("registry-user:s3cr@t@registry:8081"))
                .hasMessage("schemaRegistryUrl must be http:// or https:// URLs, but was '****@registry:8081'");
        assertThatThrownBy(() -> b.schemaRegistryUrl("http://a:8081,ftp://registry-user:s3cret@b:8081/x"))
                .hasMessage("schemaRegistryUrl must be http:// or https:// URLs, but was 'http://a:8081,ftp://****@b:8081/x'");
    }

    @Test
    void theDeliveryGuaranteeSettingsCannotBeWeakened() {
        CapmarketProducerBuilder b = CapmarketProducer.builder();
        assertThatThrownBy(() -> b.kafkaProperty("acks", "1"))
                .hasMessage("kafka property acks must be all (the SDK's delivery guarantee), but was 1");
        assertThatThrownBy(() -> b.kafkaProperty("enable.auto.commit", true))
                .hasMessageContaining("kafka property enable.auto.commit must be false");
        assertThatThrownBy(() -> b.kafkaProperty("value.serializer", "x")).hasMessageContaining("is set by the SDK");
    }

    @Test
    void serdeSettingsAreCheckedAtTheSetterAndKeptApartFromKafkas() {
        CapmarketProducerBuilder b = CapmarketProducer.builder();
        b.serdeProperty("auto.register.schemas", false).serdeProperty("value.subject.name.strategy", "TopicNameStrategy");
        assertThatThrownBy(() -> b.serdeProperty("auto.register.schemas", "maybe"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("serde property auto.register.schemas must be true or false, but was maybe");
        assertThatThrownBy(() -> b.serdeProperty("schema.registry.ssl.truststore.location", "/x"))
                .hasMessageStartingWith("serde property schema.registry.ssl.truststore.location is not a setting of the schema "
                        + "registry client or the serdes; it must be one of [auto.register.schemas,");
        assertThatThrownBy(() -> b.kafkaProperty("auto.register.schemas", "false"))
                .hasMessage("kafka property auto.register.schemas is a schema registry or serde setting, which Kafka's clients "
                        + "ignore: set it with serdeProperty(\"auto.register.schemas\", ...)");
        assertThatThrownBy(() -> b.kafkaProperty("allow.auto.create.topics", true))
                .hasMessage("kafka property allow.auto.create.topics must be false (the SDK never creates topics: onboarding does), "
                        + "but was true");
    }

    @Test
    void aClientPropertiesFileIsSplitIntoKafkaAndRegistrySettings() {
        Properties file = new Properties();
        file.setProperty("bootstrap.servers", "kafka:9093");
        file.setProperty("security.protocol", "SASL_PLAINTEXT");
        file.setProperty("schema.registry.url", "registry:8081");
        CapmarketProducerBuilder b = CapmarketProducer.builder();

        assertThatThrownBy(() -> b.properties(file))
                .hasMessage("schemaRegistryUrl must be http:// or https:// URLs, but was 'registry:8081'");
        file.setProperty("schema.registry.url", "http://registry:8081");
        file.setProperty("basic.auth.user.info", "no-colon");
        assertThatThrownBy(() -> b.properties(file)).hasMessage("serde property basic.auth.user.info must be user:password");
        file.setProperty("basic.auth.user.info", "db-team:secret");
        file.setProperty("auto.register.schemas", "false");
        b.properties(file);

        assertThatThrownBy(() -> b.build()).hasMessage("producerId is required, but was not set");
    }

    @Test
    void aSettingOnlyTheAssignmentsConsumerReadsIsNamedAndWhatWasStartedBeforeItGoes() {
        CapmarketProducerBuilder b = CapmarketProducer.builder().bootstrapServers("127.0.0.1:9").schemaRegistryUrl("http://127.0.0.1:9")
                .producerId("leak-check").kafkaProperty("fetch.max.bytes", "a lot").handler((assignment, context) -> context.fulfil(
                        java.util.Map.of()));

        assertThatThrownBy(b::build).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("the Kafka settings cannot consume").hasMessageContaining("fetch.max.bytes");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.isAlive() && thread.getName().contains("leak-check")));
    }

    @Test
    void kafkasConsumerGroupProtocolMayBeAskedForAndThenGetsNoneOfTheClassicProtocolsSettings() {
        CapmarketProducerBuilder b = CapmarketProducer.builder().bootstrapServers("127.0.0.1:9").schemaRegistryUrl("http://127.0.0.1:9")
                .producerId("protocol-check").kafkaProperty("group.protocol", "CONSUMER").publishTimeout(Duration.ofMillis(200))
                .handler((assignment, context) -> context.fulfil(java.util.Map.of()));

        try (CapmarketProducer built = b.build()) {
            assertThat(built).isNotNull();
        }
        b.kafkaProperty("session.timeout.ms", "10000");
        assertThatThrownBy(b::build).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("the Kafka settings cannot consume").hasMessageContaining("session.timeout.ms");
    }

    @Test
    void aRebalanceMayWaitForRunningWorkOnlyBelowTheConsumersPollInterval() {
        CapmarketProducerBuilder b = CapmarketProducer.builder().bootstrapServers("127.0.0.1:9").schemaRegistryUrl("http://127.0.0.1:9")
                .producerId("drain-check").handler((assignment, context) -> context.fulfil(java.util.Map.of()));

        assertThatThrownBy(() -> b.rebalanceDrain(Duration.ofSeconds(-1))).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("rebalanceDrain must be 0 or more, but was PT-1S");
        b.rebalanceDrain(Duration.ofMinutes(5));
        assertThatThrownBy(b::build).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("rebalanceDrain must be less than max.poll.interval.ms (300000 ms), but was PT5M");
        b.rebalanceDrain(Duration.ofSeconds(30)).kafkaProperty("max.poll.interval.ms", "20000");
        assertThatThrownBy(b::build).hasMessage("rebalanceDrain must be less than max.poll.interval.ms (20000 ms), but was PT30S");
    }

    @Test
    void aHandlerTimeoutMustBePositiveAndAtMostAYear() {
        CapmarketProducerBuilder b = CapmarketProducer.builder();
        assertThatThrownBy(() -> b.handlerTimeout(Duration.ofSeconds(-1))).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("handlerTimeout must be greater than 0, but was PT-1S");
        assertThatThrownBy(() -> b.handlerTimeout(Duration.ZERO)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("handlerTimeout must be greater than 0, but was PT0S");
        assertThatThrownBy(() -> b.handlerTimeout(null)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("handlerTimeout must be greater than 0, but was null");
        assertThatThrownBy(() -> b.handlerTimeout(Duration.ofDays(366))).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("handlerTimeout must be at most 365 days, but was PT8784H");
        b.handlerTimeout(Duration.ofDays(365));
    }
}
