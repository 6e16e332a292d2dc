package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.AssignmentRef;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What a reporter taken by reference publishes, knowing only the assignment's reference. */
class RefReporterTest {

    record Sent(FulfilmentKind kind, String message, boolean retryable) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final ReportSink sink = (ref, kind, message, outputs, retryable, mustNotLose) -> sent.add(new Sent(kind, message, retryable));

    @Test
    void aProvisioningsRejectionIsARetryableFailureWhichAppliesAcceptedOrNot() {
        new RefReporter(new AssignmentRef("r-1", 1, "pg-eu", "postgres-database", 0), sink).reject("region full");

        assertThat(sent).containsExactly(new Sent(FulfilmentKind.FAILED, "rejected: region full", true));
    }

    @Test
    void anOperationsRejectionIsPublishedAsOne() {
        new RefReporter(new AssignmentRef("r-1", 1, "pg-eu", "postgres-database", 2), sink).reject("disk cannot shrink");

        assertThat(sent).containsExactly(new Sent(FulfilmentKind.REJECTED, "disk cannot shrink", false));
    }

    @Test
    void aRejectionSaysWhy() {
        RefReporter reporter = new RefReporter(new AssignmentRef("r-1", 1, "pg-eu", "postgres-database", 0), sink);

        assertThatThrownBy(() -> reporter.reject(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason must say what happened, but was blank");
        assertThat(sent).isEmpty();
    }
}
