package io.capmarket.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.OfferStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OfferTest {

    private static Offer.Builder valid() {
        return Offer.builder().offerId("pg16-eu-west").capability("postgres-database").capacity(5)
                .leadTime(Duration.ofMinutes(10));
    }

    @Test
    void aValidOfferKeepsItsValuesAndCompactsItsSchemas() {
        Offer offer = valid().parameterSchema("{ \"type\" : \"object\",\n \"properties\": {\"size\": {\"type\": \"string\"}}}")
                .attribute("region", "eu-west").description("Postgres 16").build();

        assertThat(offer.parameterSchema()).isEqualTo("{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"string\"}}}");
        assertThat(offer.outputSchema()).isEqualTo(Offer.ANY_OBJECT_SCHEMA);
        assertThat(offer.capabilityVersion()).isEqualTo(1);
        assertThat(offer.status()).isEqualTo(OfferStatus.ACTIVE);
        assertThat(offer.attributes()).containsEntry("region", "eu-west");
        assertThat(offer.toBuilder().build()).isEqualTo(offer);
    }

    @Test
    void capacityMustBePositiveAndTheMessageNamesFieldValueAndRule() {
        assertThatThrownBy(() -> valid().capacity(-3).build())
                .isInstanceOf(InvalidOfferException.class)
                .hasMessage("offer pg16-eu-west: capacity must be greater than 0, but was -3");
    }

    @Test
    void everyBrokenRuleIsListedAtOnce() {
        InvalidOfferException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidOfferException.class,
                () -> Offer.builder().offerId("x").capability("Postgres_DB").capabilityVersion(0).leadTime(Duration.ZERO).build());

        assertThat(e.problems()).containsExactly(
                "offer x: capability must be a kebab-case name like postgres-database, but was 'Postgres_DB'",
                "offer x: version must be at least 1, but was 0",
                "offer x: capacity must be greater than 0, but was 0",
                "offer x: leadTime must be greater than 0, but was 0s");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void offerIdMustBeGiven() {
        assertThatThrownBy(() -> valid().offerId(null).build())
                .hasMessageContaining("offerId must be 1 to 200 characters").hasMessageContaining("but was missing");
    }

    @Test
    void theParameterSchemaMustBeJson() {
        assertThatThrownBy(() -> valid().parameterSchema("{\"type\": \"object\",").build())
                .hasMessageContaining("parameterSchema must be valid JSON, but");
    }

    @Test
    void theParameterSchemaMustBeAnObjectWithAKnownType() {
        assertThatThrownBy(() -> valid().parameterSchema("[1, 2]").build())
                .hasMessageContaining("parameterSchema must be a JSON object (a schema), but was array [1,2]");
        assertThatThrownBy(() -> valid().parameterSchema("{\"type\": \"map\"}").build())
                .hasMessageContaining("parameterSchema.type must be one of [array, boolean, integer, null, number, object, string], "
                        + "but was 'map'");
    }

    @Test
    void propertiesAreSchemasAndRequiredNamesThem() {
        assertThatThrownBy(() -> valid().parameterSchema("{\"type\": \"object\", \"properties\": {\"size\": 3}}").build())
                .hasMessageContaining("parameterSchema.properties.size must be a JSON object (a schema), but was number 3");
        assertThatThrownBy(() -> valid().parameterSchema("{\"type\": \"string\", \"properties\": {}}").build())
                .hasMessageContaining("parameterSchema has properties, so its type must be 'object', but was \"string\"");
        assertThatThrownBy(() -> valid().parameterSchema(
                "{\"type\": \"object\", \"properties\": {\"size\": {\"type\": \"string\"}}, \"required\": [\"sise\"]}").build())
                .hasMessageContaining("parameterSchema.required names 'sise', which is not in its properties [size]");
        assertThatThrownBy(() -> valid().outputSchema("{\"properties\": {\"tags\": {\"type\": \"array\", \"items\": {\"type\": 1}}}}")
                .build())
                .hasMessageContaining("outputSchema.properties.tags.items.type must be a string or a list of strings, but was number 1");
    }

    @Test
    void aDeprecatedOfferNeedsASunsetAndAnActiveOneHasNone() {
        assertThatThrownBy(() -> valid().status(OfferStatus.DEPRECATED).build())
                .hasMessageContaining("sunset must be given for a DEPRECATED offer");
        assertThatThrownBy(() -> valid().sunsetAt(Instant.parse("2030-01-01T00:00:00Z")).build())
                .hasMessageContaining("sunset must only be given for a DEPRECATED, PAUSED or RETIRED offer");
        Offer deprecated = valid().build().withStatus(OfferStatus.DEPRECATED, Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(deprecated.sunset()).contains(Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Test
    void attributesAreImmutableAndSorted() {
        Offer offer = valid().attribute("tier", "gold").attribute("region", "eu").build();

        assertThat(offer.attributes().keySet()).containsExactly("region", "tier");
        assertThatThrownBy(() -> offer.attributes().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void updatableParametersAreSortedAndKeptThroughTheBuilderAndTheWire() {
        Offer offer = valid().parameterSchema("{\"type\":\"object\",\"properties\":{\"size\":{},\"replicas\":{}}}")
                .updatableParameters(java.util.List.of("size", "replicas")).build();

        assertThat(offer.updatableParameters()).containsExactly("replicas", "size");
        assertThat(offer.toBuilder().build()).isEqualTo(offer);
        assertThat(io.capmarket.sdk.internal.OfferCodec.toAvro(offer, "db-team", Instant.EPOCH).getUpdatableParameters())
                .containsExactly("replicas", "size");
        assertThat(io.capmarket.sdk.internal.OfferCodec.fromAvro(io.capmarket.sdk.internal.OfferCodec.toAvro(offer, "db-team",
                Instant.EPOCH))).isEqualTo(offer);
        assertThat(valid().build().updatableParameters()).isEmpty();
    }

    @Test
    void updatableParametersMustBeTopLevelPropertiesOfTheParameterSchema() {
        String schema = "{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"string\"},"
                + "\"disk\":{\"type\":\"object\",\"properties\":{\"gb\":{}}}}}";

        assertThatThrownBy(() -> valid().parameterSchema(schema).updatableParameters(java.util.List.of("size", "gb")).build())
                .isInstanceOf(InvalidOfferException.class)
                .hasMessage("offer pg16-eu-west: updatableParameters must name top-level properties of parameterSchema "
                        + "[size, disk], but 'gb' is not one");
        assertThatThrownBy(() -> valid().updatableParameters(java.util.List.of("size", "size")).build())
                .hasMessage("offer pg16-eu-west: updatableParameters must name each parameter once, but 'size' is listed twice");
        assertThatThrownBy(() -> valid().updatableParameters(java.util.Arrays.asList("size", " ")).build())
                .hasMessage("offer pg16-eu-west: updatableParameters must name top-level parameters, but one was blank");
        assertThatThrownBy(() -> valid().updatableParameters(null).build())
                .hasMessage("offer pg16-eu-west: updatableParameters must be a list of top-level parameter names (empty for none), "
                        + "but was missing");
        // a schema without properties allows any parameter, so any can be updatable
        assertThat(valid().updatableParameters(java.util.List.of("anything")).build().updatableParameters()).containsExactly("anything");
    }
}
