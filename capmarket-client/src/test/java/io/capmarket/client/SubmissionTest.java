package io.capmarket.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubmissionTest {

    @Test
    void derivedSubmissionsLeaveTheOriginalAlone() {
        Submission base = Submission.of("postgres-database", 1);
        Submission sized = base.withParameter("sizeGb", 20).withConstraint("region", "eu-west", "eu-north").withPriority("HIGH");

        assertThat(base.body()).containsEntry("parameters", Map.of()).containsEntry("priority", "NORMAL");
        assertThat(sized.body()).containsEntry("parameters", Map.of("sizeGb", 20))
                .containsEntry("constraints", Map.of("region", List.of("eu-west", "eu-north"))).containsEntry("priority", "HIGH");
        assertThat(sized.idempotencyKey()).as("a variant is another request").isNotBlank().isNotEqualTo(base.idempotencyKey());
    }

    @Test
    void aChosenKeyIsKeptByEveryVariant() {
        Submission keyed = Submission.of("postgres-database", 1).withIdempotencyKey("deploy-7");

        assertThat(keyed.withParameter("sizeGb", 20).withPriority("HIGH").idempotencyKey()).isEqualTo("deploy-7");
    }

    @Test
    void badValuesFailFastWithExactMessages() {
        assertThatThrownBy(() -> Submission.of("db", 0)).hasMessage("version must be at least 1, but was 0");
        assertThatThrownBy(() -> Submission.of("db", 1).withPriority("ASAP"))
                .hasMessage("priority must be one of LOW, NORMAL, HIGH, CRITICAL, but was 'ASAP'");
        assertThatThrownBy(() -> Submission.of("db", 1).withIdempotencyKey("a b"))
                .hasMessage("idempotency key must be 1 to 200 visible ASCII characters, but was 'a b'");
        assertThatThrownBy(() -> CapmarketClient.builder().baseUrl("ftp://x")).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> CapmarketClient.builder().build()).hasMessage("baseUrl is required");
    }
}
