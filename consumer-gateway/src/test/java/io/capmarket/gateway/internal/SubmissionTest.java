package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubmissionTest {

    @Test
    void aValidBodyParsesWithDefaults() throws Exception {
        Submission submission = Submission.parse(Json.MAPPER.readTree("{\"capability\": \"postgres-database\", \"version\": 1}"));

        assertThat(submission.priority()).isEqualTo("NORMAL");
        assertThat(submission.parameters().isEmpty()).isTrue();
        assertThat(submission.constraints()).isEmpty();
        assertThat(submission.preferences()).isEmpty();
    }

    @Test
    void everyInvalidFieldIsReportedAtOnceWithValueAndRule() {
        assertThatThrownBy(() -> Submission.parse(Json.MAPPER.readTree(
                "{\"capability\": \"Bad_Name\", \"version\": 0, \"constraints\": {\"region\": []}, \"preferences\": {\"tier\": 1}, \"extra\": true}")))
                .isInstanceOfSatisfying(MalformedRequestException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("extra", "capability", "version", "constraints.region", "preferences.tier"))
                .hasMessageContaining("5 invalid fields");
    }

    @Test
    void aTtlIsADurationFromAMinuteToTenYears() throws Exception {
        assertThat(Submission.parse(Json.MAPPER.readTree("{\"capability\": \"pg\", \"version\": 1, \"ttl\": \"7d\"}")).ttl())
                .isEqualTo(java.time.Duration.ofDays(7));
        assertThat(Submission.parse(Json.MAPPER.readTree("{\"capability\": \"pg\", \"version\": 1, \"ttl\": \"PT36H\"}")).ttl())
                .isEqualTo(java.time.Duration.ofHours(36));
        assertThat(Submission.parse(Json.MAPPER.readTree("{\"capability\": \"pg\", \"version\": 1}")).ttl()).isNull();
        for (String bad : new String[] {"\"30s\"", "\"3651d\"", "\"soon\"", "7"}) {
            assertThatThrownBy(() -> Submission.parse(Json.MAPPER.readTree("{\"capability\": \"pg\", \"version\": 1, \"ttl\": "
                    + bad + "}"))).isInstanceOfSatisfying(MalformedRequestException.class, e -> assertThat(e.errors())
                    .singleElement().satisfies(error -> {
                        assertThat(error.field()).isEqualTo("ttl");
                        assertThat(error.rule()).isEqualTo("a duration from 1m to 3650d, like 7d, 12h or PT36H");
                    }));
        }
    }

    @Test
    void theRequestIdIsDerivedFromTeamAndKey() {
        assertThat(Submission.requestId("alpha", "k1")).isEqualTo(Submission.requestId("alpha", "k1"))
                .isNotEqualTo(Submission.requestId("beta", "k1"))
                .isNotEqualTo(Submission.requestId("alpha", "k2"));
        assertThat(Submission.requestId("alpha", null)).isNotEqualTo(Submission.requestId("alpha", null));
    }

    @Test
    void anIdempotencyKeyMustBeVisibleAscii() {
        assertThat(Submission.idempotencyKey(null)).isNull();
        assertThat(Submission.idempotencyKey("order-42/retry")).isEqualTo("order-42/retry");
        assertThatThrownBy(() -> Submission.idempotencyKey("with space")).isInstanceOf(MalformedRequestException.class);
        assertThatThrownBy(() -> Submission.idempotencyKey("x".repeat(201))).isInstanceOf(MalformedRequestException.class);
    }

    @Test
    void differencesNameTheFieldsThatChanged() throws Exception {
        Submission first = database(1, "HIGH");
        SubmitRequest submit = submitOf(first);
        RequestView existing = RequestViews.view(RequestViews.submitted(submit));
        Submission other = database(2, null);

        assertThat(first.differences(existing)).isEmpty();
        assertThat(other.differences(existing)).extracting(FieldError::field).containsExactly("parameters", "priority");
        assertThat(submit.getRequestedBy().getKind()).isEqualTo(RequesterKind.HUMAN);
        assertThat(submit.getConsumerTeam()).isEqualTo("alpha");
        assertThat(submit.getParameters()).isEqualTo("{\"sizeGb\":1}");
        assertThat(existing.constraints()).isEqualTo(Map.of());
        assertThat(existing.history()).extracting(RequestView.Transition::state).isEqualTo(List.of("SUBMITTED"));
    }

    @Test
    void aRetryOfTheFirstSubmitAfterAnUpdateOfItsParametersIsTheSameRequest() throws Exception {
        Submission first = database(1, "HIGH");
        SubmitRequest submit = submitOf(first);
        RequestView updated = RequestViews.view(RequestStatus.newBuilder(RequestViews.submitted(submit)).setState(RequestState.FULFILLED)
                .setRevision(1).setParameters("{\"sizeGb\":20}").setSubmittedParameters("{\"sizeGb\":1}").build());
        Submission otherPriority = database(1, null);
        Submission asUpdated = database(20, "HIGH");

        assertThat(first.differences(updated)).as("the parameters as first submitted, since updated").isEmpty();
        assertThat(otherPriority.differences(updated)).extracting(FieldError::field).as("the rest is still compared")
                .containsExactly("priority");
        assertThat(asUpdated.differences(updated)).extracting(FieldError::field)
                .as("the parameters an update gave it are not those of its submit").containsExactly("parameters");
    }

    @Test
    void theParametersOfARequestNeverUpdatedAreComparedAfterADeprovisionToo() throws Exception {
        Submission first = database(1, null);
        SubmitRequest submit = submitOf(first);
        RequestView deprovisioning = RequestViews.view(RequestStatus.newBuilder(RequestViews.submitted(submit))
                .setState(RequestState.DEPROVISIONING).setRevision(1).build());
        Submission other = database(2, null);

        assertThat(first.differences(deprovisioning)).isEmpty();
        assertThat(other.differences(deprovisioning)).extracting(FieldError::field).containsExactly("parameters");
    }

    /** A body for postgres-database v1 asking for {@code sizeGb}, with {@code priority} when not null. */
    private static Submission database(int sizeGb, String priority) throws Exception {
        return Submission.parse(Json.MAPPER.readTree("{\"capability\": \"postgres-database\", \"version\": 1, \"parameters\": "
                + "{\"sizeGb\": " + sizeGb + "}" + (priority == null ? "" : ", \"priority\": \"" + priority + "\"") + "}"));
    }

    /** The submit alice of team alpha makes of {@code body} as request r1. */
    private static SubmitRequest submitOf(Submission body) {
        Principal alice = new Principal("alpha", Principal.Role.CONSUMER, "alice", false);
        return (SubmitRequest) body.command("r1", alice, "k", Instant.parse("2030-01-01T00:00:00Z")).getCommand();
    }
}
