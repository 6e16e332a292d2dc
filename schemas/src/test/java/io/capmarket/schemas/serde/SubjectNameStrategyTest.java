package io.capmarket.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.CapabilityOffer;
import org.junit.jupiter.api.Test;

class SubjectNameStrategyTest {

    @Test
    void namesSubjectsAsConfluentDoes() {
        var schema = CapabilityOffer.getClassSchema();

        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("capmarket.offers", false, schema)).isEqualTo("capmarket.offers-value");
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("capmarket.offers", true, schema)).isEqualTo("capmarket.offers-key");
        assertThat(SubjectNameStrategy.RECORD_NAME.subject("capmarket.offers", false, schema))
                .isEqualTo("io.capmarket.schemas.CapabilityOffer");
        assertThat(SubjectNameStrategy.TOPIC_RECORD_NAME.subject("capmarket.offers", false, schema))
                .isEqualTo("capmarket.offers-io.capmarket.schemas.CapabilityOffer");
    }

    @Test
    void acceptsConfluentClassNamesSimpleNamesAndConstants() {
        assertThat(SubjectNameStrategy.fromConfig("p", "io.confluent.kafka.serializers.subject.RecordNameStrategy"))
                .isEqualTo(SubjectNameStrategy.RECORD_NAME);
        assertThat(SubjectNameStrategy.fromConfig("p", "TopicRecordNameStrategy")).isEqualTo(SubjectNameStrategy.TOPIC_RECORD_NAME);
        assertThat(SubjectNameStrategy.fromConfig("p", "topic_name")).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
        assertThat(SubjectNameStrategy.fromConfig("p", null)).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
    }

    @Test
    void anUnknownStrategyNamesThePropertyAndValue() {
        assertThatThrownBy(() -> SubjectNameStrategy.fromConfig("value.subject.name.strategy", "com.acme.Mine"))
                .hasMessageContaining("value.subject.name.strategy").hasMessageContaining("com.acme.Mine");
    }
}
