package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.gateway.GatewayException;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RejectedRequestException;
import io.capmarket.schemas.ApprovalPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An admin's approval policy as a PUT body: read into the Avro policy, its shape a 400 and its rules a 422 naming the member. */
class ApprovalPolicyBodyTest {

    @Test
    void aBodyBecomesThePolicyWithValuesAsJsonWritesThemAndTheExpiryInMilliseconds() throws Exception {
        ApprovalPolicy policy = ApprovalPolicyBody.parse(Json.MAPPER.readTree(
                "{\"when\": {\"size\": [\"large\"], \"replicas\": [3, 5], \"ha\": [true]}, \"approvers\": [\"role:admin\", \"team:dba\"],"
                        + " \"expiresAfter\": \"2d\"}"));

        assertThat(policy.getWhen()).isEqualTo(Map.of("size", List.of("large"), "replicas", List.of("3", "5"), "ha", List.of("true")));
        assertThat(policy.getApprovers()).containsExactly("role:admin", "team:dba");
        assertThat(policy.getExpiresAfterMs()).isEqualTo(Duration.ofDays(2).toMillis());
        ApprovalPolicy every = ApprovalPolicyBody.parse(Json.MAPPER.readTree("{\"approvers\": [\"role:approver\"], \"expiresAfter\": \"PT2H\"}"));
        assertThat(every.getWhen()).as("no condition: every request").isEmpty();
        assertThat(every.getExpiresAfterMs()).isEqualTo(Duration.ofHours(2).toMillis());
        assertThat(AvroJson.toJson(every).toString()).isEqualTo("{\"when\":{},\"approvers\":[\"role:approver\"],\"expiresAfterMs\":7200000}");
    }

    @Test
    void aBodyOfTheWrongShapeIsMalformedNamingEachMember() {
        assertThat(malformed("[]")).extracting(FieldError::field).containsExactly("body");
        assertThat(malformed("{\"approvers\": [\"role:admin\"], \"who\": 1}")).extracting(FieldError::field).containsExactly("who");
        assertThat(malformed("{\"approvers\": \"role:admin\", \"when\": {\"size\": \"large\"}, \"expiresAfter\": \"soon\"}"))
                .extracting(FieldError::field).containsExactlyInAnyOrder("approvers", "when.size", "expiresAfter");
        assertThat(malformed("{\"approvers\": [\"role:admin\"], \"when\": []}")).extracting(FieldError::field).containsExactly("when");
        assertThat(malformed("{\"approvers\": [\"role:admin\"], \"expiresAfter\": \"3651d\"}")).singleElement()
                .satisfies(error -> assertThat(error.rule()).contains("at most 3650d"));
    }

    @Test
    void aPolicyBreakingARuleIsRefusedNamingTheMemberAndTheRule() {
        assertThat(refused("{\"when\": {\"size\": [\"large\"]}}")).satisfies(error -> {
            assertThat(error.field()).isEqualTo("approvers");
            assertThat(error.rule()).contains("at least one approver");
        });
        assertThat(refused("{\"approvers\": [\"role:boss\"]}")).satisfies(error -> {
            assertThat(error.field()).isEqualTo("approvers");
            assertThat(error.value()).isEqualTo("[\"role:boss\"]");
            assertThat(error.rule()).contains("'role:boss' names no role");
        });
        assertThat(refused("{\"approvers\": [\"role:admin\"], \"when\": {\"size class\": []}}")).satisfies(error -> {
            assertThat(error.field()).as("a parameter's name as it is").isEqualTo("when.size class");
            assertThat(error.rule()).contains("at least one value");
        });
    }

    @Test
    void theMemberARuleNamesIsReadFromItsMessage() {
        ApprovalPolicy policy = ApprovalPolicy.newBuilder().setApprovers(List.of()).build();
        assertThat(ApprovalPolicyBody.field("approval.approvers: 'x' must be 'role:<role>' or 'team:<team>'", policy)).isEqualTo("approvers");
        assertThat(ApprovalPolicyBody.field("approval.when must name parameters, but has an empty name", policy)).isEqualTo("when");
        assertThat(ApprovalPolicyBody.field("approval.expiresAfterMs must be from 1 to 315360000000 (3650 days) when given, "
                + "but was 0", policy)).isEqualTo("expiresAfter");
    }

    private static List<FieldError> malformed(String body) {
        return errors(body, MalformedRequestException.class);
    }

    private static FieldError refused(String body) {
        List<FieldError> errors = errors(body, RejectedRequestException.class);
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }

    private static List<FieldError> errors(String body, Class<? extends GatewayException> type) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> ApprovalPolicyBody.parse(Json.MAPPER.readTree(body)));
        assertThat(thrown).as(body).isInstanceOf(type);
        return ((GatewayException) thrown).errors();
    }
}
