package io.capmarket.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** A submitted request's first status sets every field, each to what the schema's default or the submission says. */
class SubmittedStatusTest {

    private static final Instant AT = Instant.parse("2026-12-04T20:00:00Z");

    private static SubmitRequest submit() {
        return SubmitRequest.newBuilder()
                .setRequestId("r-1")
                .setConsumerTeam("app-team")
                .setRequestedBy(new Requester(RequesterKind.BOT, "ci"))
                .setCapability("postgres-database")
                .setCapabilityVersion(2)
                .setParameters("{\"size\":\"small\"}")
                .setConstraints(Map.of("region", List.of("eu-west")))
                .setPreferences(Map.of("tier", "gold"))
                .setPriority(Priority.HIGH)
                .setSubmittedAt(AT)
                .setIdempotencyKey("key-1")
                .setTtlMs(86_400_000L)
                .build();
    }

    @Test
    void everyFieldIsSetAndThoseTheSubmissionDoesNotNameHoldTheirSchemaDefault() {
        RequestStatus status = SubmittedStatus.of(submit());

        java.util.Set<String> fromTheSubmission = java.util.Set.of("preferences", "idempotencyKey", "ttlMs");
        for (Schema.Field field : RequestStatus.getClassSchema().getFields()) {
            Object value = status.get(field.pos());
            if (!field.schema().isNullable()) {
                assertThat(value).as("%s is set", field.name()).isNotNull();
            }
            if (field.hasDefaultValue() && !fromTheSubmission.contains(field.name())) {
                assertThat(value).as(field.name()).isEqualTo(org.apache.avro.specific.SpecificData.get().getDefaultValue(field));
            }
        }
        assertThat(status).as("the same as a builder's").isEqualTo(RequestStatus.newBuilder(status).build());
        assertThat(status.getState()).isEqualTo(RequestState.SUBMITTED);
        assertThat(status.getHistory()).containsExactly(new StatusTransition(RequestState.SUBMITTED, AT, 0, null, null));
        assertThat(status.getConstraints()).containsEntry("region", List.of("eu-west"));
    }
}
