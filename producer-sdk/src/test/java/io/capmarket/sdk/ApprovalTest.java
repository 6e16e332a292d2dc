package io.capmarket.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.sdk.internal.OfferCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApprovalTest {

    private static final String POSTGRES_PARAMETERS = "{\"type\":\"object\",\"properties\":{"
            + "\"size\":{\"type\":\"string\",\"enum\":[\"small\",\"medium\",\"large\"]},"
            + "\"replicas\":{\"type\":\"integer\",\"enum\":[0,1,2]},\"tier\":{\"type\":\"string\"}}}";

    private static Offer.Builder postgres() {
        return Offer.builder().offerId("pg16-eu-west").capability("postgres-database").capacity(5)
                .leadTime(Duration.ofMinutes(10)).parameterSchema(POSTGRES_PARAMETERS);
    }

    private static String refusal(Approval approval) {
        return org.junit.jupiter.api.Assertions.assertThrows(InvalidOfferException.class,
                () -> postgres().approval(approval).build()).getMessage();
    }

    @Test
    void aPolicyReadsAsItIsWrittenAndEachStepIsANewValue() {
        Approval large = Approval.when("size", "large");
        Approval policy = large.and("replicas", "2").approvers("role:admin", "team:dba").expiresAfter(Duration.ofDays(2));

        assertThat(policy.when()).containsExactly(Map.entry("replicas", List.of("2")), Map.entry("size", List.of("large")));
        assertThat(policy.approvers()).containsExactly("role:admin", "team:dba");
        assertThat(policy.expiresAfter()).isEqualTo(Duration.ofDays(2));
        assertThat(large.approvers()).as("the first step is unchanged").isEmpty();
        assertThat(large.expiresAfter()).as("the marketplace's default").isNull();
        assertThat(policy.and("size", "medium", "large").when().get("size")).as("naming a parameter again replaces its values")
                .containsExactly("medium", "large");
        assertThat(Approval.always().approvers("team:dba").when()).as("every request").isEmpty();
        assertThat(policy).isEqualTo(new Approval(Map.of("size", List.of("large"), "replicas", List.of("2")),
                List.of("role:admin", "team:dba"), Duration.ofHours(48)));
        assertThat(policy.toString()).isEqualTo("{when: {replicas: [2], size: [large]}, approvers: [role:admin, team:dba], "
                + "expiresAfter: 2d}");
        assertThat(Approval.always().approvers("role:admin").toString()).isEqualTo("{approvers: [role:admin]}");
    }

    @Test
    void aPolicyIsImmutable() {
        List<String> approvers = new java.util.ArrayList<>(List.of("role:admin"));
        Approval policy = Approval.when("size", "large").approvers(approvers);
        approvers.add("team:dba");

        assertThat(policy.approvers()).containsExactly("role:admin");
        assertThatThrownBy(() -> policy.when().put("tier", List.of("gold"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> policy.when().get("size").add("medium")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> Approval.when("size", "large", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("approval.when.size must list values, but one was null");
        assertThatThrownBy(() -> Approval.when(null, "large")).hasMessage("approval.when must name parameters, but one was null");
        assertThatThrownBy(() -> Approval.always().approvers("role:admin", null))
                .hasMessage("approval.approvers must name approvers, but one was null");
        assertThatThrownBy(() -> new Approval(null, List.of(), null))
                .hasMessage("approval.when must be given (empty for every request)");
    }

    @Test
    void theOfferCarriesItsPolicyThroughTheBuilderAndTheWire() {
        Offer offer = postgres().approval(Approval.when("size", "large").approvers("role:admin").expiresAfter(Duration.ofDays(2)))
                .build();

        CapabilityOffer published = OfferCodec.toAvro(offer, "db-team", Instant.EPOCH);

        assertThat(published.getApproval()).isEqualTo(ApprovalPolicy.newBuilder().setWhen(Map.of("size", List.of("large")))
                .setApprovers(List.of("role:admin")).setExpiresAfterMs(172_800_000L).build());
        assertThat(OfferCodec.fromAvro(published)).isEqualTo(offer);
        assertThat(offer.toBuilder().build()).isEqualTo(offer);
        assertThat(offer.toBuilder().approval(null).build().approval()).isNull();
        Offer everyRequest = postgres().approval(Approval.always().approvers("team:dba")).build();
        assertThat(OfferCodec.toAvro(everyRequest, "db-team", Instant.EPOCH).getApproval().getWhen()).isEmpty();
        assertThat(OfferCodec.toAvro(everyRequest, "db-team", Instant.EPOCH).getApproval().getExpiresAfterMs()).isNull();
        assertThat(OfferCodec.toAvro(postgres().build(), "db-team", Instant.EPOCH).getApproval()).as("none asked").isNull();
    }

    @Test
    void aPolicyNeedsApproversOfAKnownRoleOrAKebabCaseTeam() {
        assertThat(refusal(Approval.when("size", "large"))).isEqualTo(
                "offer pg16-eu-west: approval.approvers must name at least one approver ('role:admin', 'team:dba')");
        assertThat(refusal(Approval.when("size", "large").approvers("role:root"))).isEqualTo(
                "offer pg16-eu-west: approval.approvers: 'role:root' names no role; roles are [consumer, producer, approver, admin]");
        assertThat(refusal(Approval.when("size", "large").approvers("team:DBA"))).isEqualTo(
                "offer pg16-eu-west: approval.approvers: 'team:DBA' must name a kebab-case team, as 'team:dba'");
        assertThat(refusal(Approval.when("size", "large").approvers("admin"))).isEqualTo(
                "offer pg16-eu-west: approval.approvers: 'admin' must be 'role:<role>' or 'team:<team>'");
        assertThat(postgres().approval(Approval.always().approvers("role:approver", "team:platform-dba")).build().approval()
                .approvers()).containsExactly("role:approver", "team:platform-dba");
    }

    @Test
    void everyConditionNamesAParameterWithAtLeastOneValue() {
        assertThat(refusal(Approval.when("size").approvers("role:admin"))).isEqualTo(
                "offer pg16-eu-west: approval.when.size must list at least one value that calls for an approval");
        assertThat(refusal(new Approval(Map.of(" ", List.of("x")), List.of("role:admin"), null))).isEqualTo(
                "offer pg16-eu-west: approval.when must name parameters, but has an empty name");
    }

    @Test
    void everyConditionIsAParameterOfTheSchemaAndItsValuesAreOnesTheSchemaAllows() {
        assertThat(refusal(Approval.when("sise", "large").approvers("role:admin"))).isEqualTo(
                "offer pg16-eu-west: approval.when must name top-level properties of parameterSchema [size, replicas, tier], "
                        + "but 'sise' is not one");
        assertThat(refusal(Approval.when("size", "large", "huge").approvers("role:admin"))).isEqualTo(
                "offer pg16-eu-west: approval.when.size must list values of its enum in parameterSchema [small, medium, large], "
                        + "but 'huge' is not one");
        // numbers as JSON writes them; a property without an enum takes any value
        assertThat(postgres().approval(Approval.when("replicas", "2").and("tier", "gold").approvers("role:admin")).build()
                .approval().when()).containsOnlyKeys("replicas", "tier");
        // a schema without properties allows any parameter
        assertThat(postgres().parameterSchema(Offer.ANY_OBJECT_SCHEMA).approval(Approval.when("anything", "x")
                .approvers("role:admin")).build().approval()).isNotNull();
    }

    @Test
    void expiresAfterIsGreaterThanZeroAndAtMostTenYearsWhenGiven() {
        assertThat(refusal(Approval.always().approvers("role:admin").expiresAfter(Duration.ZERO))).isEqualTo(
                "offer pg16-eu-west: approval.expiresAfter must be greater than 0 and at most 3650d when given, but was 0s");
        assertThat(refusal(Approval.always().approvers("role:admin").expiresAfter(Duration.ofMinutes(-5)))).isEqualTo(
                "offer pg16-eu-west: approval.expiresAfter must be greater than 0 and at most 3650d when given, but was -5m");
        assertThat(refusal(Approval.always().approvers("role:admin").expiresAfter(Duration.ofDays(3651)))).isEqualTo(
                "offer pg16-eu-west: approval.expiresAfter must be greater than 0 and at most 3650d when given, but was 3651d");
        assertThat(postgres().approval(Approval.always().approvers("role:admin").expiresAfter(Duration.ofDays(3650))).build()
                .approval()).isNotNull();
    }

    @Test
    void aBrokenPolicyIsListedWithTheOffersOtherProblems() {
        InvalidOfferException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidOfferException.class,
                () -> postgres().capacity(0).approval(Approval.when("size", "large")).build());

        assertThat(e.problems()).containsExactly("offer pg16-eu-west: capacity must be greater than 0, but was 0",
                "offer pg16-eu-west: approval.approvers must name at least one approver ('role:admin', 'team:dba')");
        assertThat(e.retryable()).isFalse();
    }
}
