package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.topology.CapabilityContract;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CapabilityContractsTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final String SIZES = "{\"type\":\"object\",\"properties\":{\"size\":{\"enum\":[\"s\",\"m\"]}}}";

    private static CapabilityOffer offer(String offerId, String producerId, String parameterSchema, String outputSchema) {
        return CapabilityOffer.newBuilder().setOfferId(offerId).setProducerId(producerId).setCapability("postgres-database")
                .setCapabilityVersion(1).setDescription("by " + producerId).setParameterSchema(parameterSchema)
                .setOutputSchema(outputSchema).setAttributes(Map.of()).setLeadTimeSloMs(60_000).setCapacity(5)
                .setStatus(OfferStatus.ACTIVE).setUpdatedAt(T0).build();
    }

    private static CapabilityContract contractOf(CapabilityOffer offer) {
        return CapabilityContracts.next(null, null, offer, T0);
    }

    @Nested
    class FirstDifference {

        @Test
        void theSameJsonWrittenDifferentlyHasNone() {
            assertThat(CapabilityContracts.firstDifference("{\"a\":1,\"b\":[true,null]}", " { \"b\" : [ true , null ], \"a\" : 1.0 } "))
                    .isEmpty();
            assertThat(CapabilityContracts.firstDifference("{\"n\": 100}", "{\"n\": 1e2}")).isEmpty();
        }

        @Test
        void aDifferenceIsNamedByItsJsonPointer() {
            assertThat(CapabilityContracts.firstDifference(SIZES, SIZES.replace("[\"s\",\"m\"]", "[\"s\",\"m\",\"l\"]")))
                    .contains("/properties/size/enum");
            assertThat(CapabilityContracts.firstDifference(SIZES, SIZES.replace("\"m\"", "\"xl\""))).contains("/properties/size/enum/1");
            assertThat(CapabilityContracts.firstDifference(SIZES, "{\"type\":\"object\"}")).contains("/properties");
            assertThat(CapabilityContracts.firstDifference("{\"type\":\"object\"}", SIZES)).contains("/properties");
            assertThat(CapabilityContracts.firstDifference("{\"type\":\"object\"}", "{\"type\":\"string\"}")).contains("/type");
            assertThat(CapabilityContracts.firstDifference("{}", "[]")).contains("");
            assertThat(CapabilityContracts.firstDifference("{\"a/b\":{\"c~d\":1}}", "{\"a/b\":{\"c~d\":2}}")).contains("/a~1b/c~0d");
            assertThat(CapabilityContracts.firstDifference("{\"n\":1}", "{\"n\":\"1\"}")).contains("/n");
        }

        @Test
        void textThatIsNotJsonIsRefused() {
            assertThatThrownBy(() -> CapabilityContracts.firstDifference("{}", "{\"type\":"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CapabilityContracts.firstDifference("", "{}")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Refusal {

        @Test
        void theFirstOfferOfAVersionSetsItsContract() {
            CapabilityOffer first = offer("pg-db", "db-team", SIZES, "{}");

            assertThat(CapabilityContracts.refusal(null, null, first)).isEmpty();
            CapabilityContract contract = contractOf(first);
            assertThat(contract.getProducerId()).isEqualTo("db-team");
            assertThat(contract.getOfferId()).isEqualTo("pg-db");
            assertThat(contract.getParameterSchema()).isEqualTo(SIZES);
            assertThat(contract.getDescription()).isEqualTo("by db-team");
            assertThat(contract.getVersion()).isEqualTo(1);
        }

        @Test
        void theOwnerMayChangeItAndNoOneElse() {
            CapabilityContract contract = contractOf(offer("pg-db", "db-team", SIZES, "{}"));
            CapabilityOffer changed = offer("pg-db-2", "db-team", "{\"type\":\"object\"}", "{\"type\":\"object\"}");
            CapabilityOffer other = offer("pg-rival", "rival", SIZES, "{}");

            assertThat(CapabilityContracts.refusal(contract, null, changed)).isEmpty();
            assertThat(CapabilityContracts.next(contract, null, changed, T0.plusSeconds(1)).getParameterSchema())
                    .isEqualTo("{\"type\":\"object\"}");
            assertThat(CapabilityContracts.refusal(contract, null, other)).isEmpty();
            assertThat(CapabilityContracts.next(contract, null, other, T0.plusSeconds(1))).isSameAs(contract);
        }

        @Test
        void anotherProducersDifferentSchemaIsRefusedNamingTheContractItsOwnerAndThePath() {
            CapabilityContract contract = contractOf(offer("pg-db", "db-team", SIZES, "{\"type\":\"object\"}"));

            assertThat(CapabilityContracts.refusal(contract, null, offer("pg-rival", "rival",
                    SIZES.replace("[\"s\",\"m\"]", "[\"s\",\"m\",\"l\"]"), "{\"type\":\"object\"}")))
                    .contains("offer pg-rival of rival: parameterSchema differs from the contract of postgres-database v1 "
                            + "held by db-team at /properties/size/enum");
            assertThat(CapabilityContracts.refusal(contract, null, offer("pg-rival", "rival", SIZES, "{\"type\":\"array\"}")))
                    .contains("offer pg-rival of rival: outputSchema differs from the contract of postgres-database v1 "
                            + "held by db-team at /type");
            assertThat(CapabilityContracts.refusal(contract, null, offer("pg-rival", "rival", SIZES, "[]")))
                    .contains("offer pg-rival of rival: outputSchema differs from the contract of postgres-database v1 "
                            + "held by db-team at the top level");
        }

        @Test
        void aHandoverMakesTheNamedProducerTheOwnerAndHoldsTheFormerOwnerToTheContract() {
            CapabilityContract contract = contractOf(offer("pg-db", "db-team", SIZES, "{}"));
            CapabilityOffer heirs = offer("pg-platform", "db-platform", "{\"type\":\"object\"}", "{}");
            CapabilityOffer formers = offer("pg-db", "db-team", "{\"type\":\"object\"}", "{}");

            assertThat(CapabilityContracts.owner(contract, null)).isEqualTo("db-team");
            assertThat(CapabilityContracts.owner(contract, "db-platform")).isEqualTo("db-platform");
            assertThat(CapabilityContracts.refusal(contract, null, heirs)).as("without the handover, the heir is another producer")
                    .contains("offer pg-platform of db-platform: parameterSchema differs from the contract of postgres-database v1 "
                            + "held by db-team at /properties");
            assertThat(CapabilityContracts.refusal(contract, "db-platform", formers))
                    .contains("offer pg-db of db-team: parameterSchema differs from the contract of postgres-database v1 "
                            + "held by db-platform at /properties");
            assertThat(CapabilityContracts.next(contract, "db-platform", formers, T0.plusSeconds(1))).isSameAs(contract);
            assertThat(CapabilityContracts.refusal(contract, "db-platform", heirs)).isEmpty();
            CapabilityContract handedOver = CapabilityContracts.next(contract, "db-platform", heirs, T0.plusSeconds(1));
            assertThat(handedOver.getProducerId()).isEqualTo("db-platform");
            assertThat(handedOver.getOfferId()).isEqualTo("pg-platform");
            assertThat(handedOver.getParameterSchema()).isEqualTo("{\"type\":\"object\"}");
            assertThat(CapabilityContracts.refusal(handedOver, null, offer("pg-db", "db-team", SIZES, "{}")))
                    .as("the heir owns it once it has set it, the handover taken back or not")
                    .contains("offer pg-db of db-team: parameterSchema differs from the contract of postgres-database v1 "
                            + "held by db-platform at /properties");
        }

        @Test
        void schemasThatAreNotJsonAreRefusedFromAnyone() {
            assertThat(CapabilityContracts.refusal(null, null, offer("pg-db", "db-team", "not json", "{}")))
                    .hasValueSatisfying(reason -> assertThat(reason)
                            .startsWith("offer pg-db of db-team: parameterSchema must be a JSON Schema as JSON text, but is not JSON: "));
            assertThat(CapabilityContracts.refusal(null, null, offer("pg-db", "db-team", "{}", "")))
                    .contains("offer pg-db of db-team: outputSchema must be a JSON Schema as JSON text, but is not JSON: empty");
        }
    }
}
