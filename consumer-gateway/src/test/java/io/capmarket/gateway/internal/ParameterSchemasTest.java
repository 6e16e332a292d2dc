package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.gateway.GatewayException.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterSchemasTest {

    private static final String SCHEMA = """
            {"type": "object", "properties": {"sizeGb": {"type": "integer", "minimum": 1},
             "network": {"type": "object", "properties": {"cidr": {"type": "string", "pattern": "^[0-9./]+$"}}}},
             "required": ["sizeGb"]}""";

    private final ParameterSchemas schemas = new ParameterSchemas();

    @Test
    void validParametersHaveNoViolations() throws Exception {
        assertThat(schemas.validate(SCHEMA, Json.MAPPER.readTree("{\"sizeGb\": 3, \"network\": {\"cidr\": \"10.0.0.0/8\"}}"))).isEmpty();
    }

    @Test
    void eachViolationNamesTheFieldTheValueAndTheRule() throws Exception {
        List<FieldError> errors = schemas.validate(SCHEMA, Json.MAPPER.readTree("{\"sizeGb\": 0, \"network\": {\"cidr\": \"any\"}}"));

        assertThat(errors).extracting(FieldError::field).containsExactly("parameters.network.cidr", "parameters.sizeGb");
        assertThat(errors.get(0).value()).isEqualTo("any");
        assertThat(errors.get(1).value()).isEqualTo("0");
        assertThat(errors.get(1).rule()).contains("minimum").doesNotStartWith("$");
    }

    @Test
    void aPropertyThatIsNotAllowedOrIsMissingBecauseOfAnotherIsNamedItself() throws Exception {
        String schema = """
                {"type": "object", "properties": {"replicas": {"type": "integer"}, "tier": {"type": "string"}},
                 "dependentRequired": {"replicas": ["tier"]}, "additionalProperties": false}""";

        List<FieldError> errors = schemas.validate(schema, Json.MAPPER.readTree("{\"replicas\": 2, \"colour\": \"red\"}"));

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("parameters.colour", "parameters.tier");
        assertThat(errors).filteredOn(e -> e.field().equals("parameters.colour")).singleElement()
                .satisfies(e -> assertThat(e.value()).isEqualTo("red"));
        assertThat(errors).filteredOn(e -> e.field().equals("parameters.tier")).singleElement().satisfies(e -> {
            assertThat(e.value()).isNull();
            assertThat(e.rule()).contains("tier").contains("replicas");
        });
    }

    @Test
    void aMissingRequiredFieldIsNamed() throws Exception {
        List<FieldError> errors = schemas.validate(SCHEMA, Json.MAPPER.readTree("{}"));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("parameters.sizeGb");
            assertThat(e.value()).isNull();
            assertThat(e.rule()).contains("required");
        });
    }

    @Test
    void aSchemaReferringOutsideItselfIsRefused() {
        assertThatThrownBy(() -> schemas.validate("{\"$ref\": \"http://169.254.169.254/schema\"}", Json.MAPPER.createObjectNode()))
                .hasMessageContaining("refers outside itself");
    }

    /** The validator reads a tree copied from the gateway's; it must be the tree the validator would parse from the text. */
    @Test
    void theValidatorsTreeIsTheOneItWouldParseFromTheText() throws Exception {
        tools.jackson.databind.json.JsonMapper validatorMapper = tools.jackson.databind.json.JsonMapper.builder().build();
        for (String json : List.of("{}", "[]", "null", "true", "\"text\"", "0", "-7", "2147483648", "123456789012345678901234567890",
                "1.5", "-0.0", "1e300", "12345678901234567890.5",
                "{\"a\": {\"b\": [1, 2.5, \"x\", null, false, {\"c\": []}]}, \"unicode\": \"\u00e9\\u20ac\\n\"}")) {
            tools.jackson.databind.JsonNode copied = ParameterSchemas.validatorTree(Json.MAPPER.readTree(json));
            tools.jackson.databind.JsonNode parsed = validatorMapper.readTree(json);
            assertThat(copied).as(json).isEqualTo(parsed);
            assertThat(copied.getNodeType()).as(json).isEqualTo(parsed.getNodeType());
            if (parsed.isNumber()) {
                assertThat(copied.numberType()).as(json).isEqualTo(parsed.numberType());
            }
        }
    }
}
