package io.capmarket.sdk;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
        CapmarketProducer.Builder b = CapmarketProducer.builder();
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
    void theDeliveryGuaranteeSettingsCannotBeWeakened() {
        CapmarketProducer.Builder b = CapmarketProducer.builder();
        assertThatThrownBy(() -> b.kafkaProperty("acks", "1"))
                .hasMessage("kafka property acks must be all (the SDK's delivery guarantee), but was 1");
        assertThatThrownBy(() -> b.kafkaProperty("enable.auto.commit", true))
                .hasMessageContaining("kafka property enable.auto.commit must be false");
        assertThatThrownBy(() -> b.kafkaProperty("value.serializer", "x")).hasMessageContaining("is set by the SDK");
    }
}
