package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.FulfilmentReporter;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportCodecTest {

    private static final AssignmentRef REF = new AssignmentRef("r-1", 1, "pg-1", "postgres-database");

    private static String published(FulfilmentKind kind, String message) {
        FulfilmentEvent event = ReportCodec.toAvro(REF, "db-team", kind, message, Map.of(), true, Instant.EPOCH);
        return event.getMessage() == null ? null : event.getMessage().toString();
    }

    @Test
    void aMessageLongerThanTheBoundIsCutOnceWithAMarkerNamingItsLength() {
        String stackTrace = "java.lang.IllegalStateException: boom\n"
                + "\tat com.example.Provisioner.run(Provisioner.java:42)\n".repeat(40_000);

        for (FulfilmentKind kind : new FulfilmentKind[] {FulfilmentKind.FAILED, FulfilmentKind.REJECTED, FulfilmentKind.PROGRESS}) {
            String message = published(kind, stackTrace);
            String marker = "… (cut from " + stackTrace.length() + " characters)";
            assertThat(message).hasSize(FulfilmentReporter.MAX_MESSAGE_CHARS).endsWith(marker)
                    .startsWith(stackTrace.substring(0, FulfilmentReporter.MAX_MESSAGE_CHARS - marker.length()));
        }
    }

    @Test
    void aMessageUpToTheBoundIsPublishedAsItIs() {
        String atBound = "x".repeat(FulfilmentReporter.MAX_MESSAGE_CHARS);
        assertThat(published(FulfilmentKind.FAILED, atBound)).isEqualTo(atBound);
        assertThat(published(FulfilmentKind.FAILED, "quota exceeded")).isEqualTo("quota exceeded");
        assertThat(published(FulfilmentKind.FULFILLED, null)).isNull();
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String emoji = "\uD83D\uDE80".repeat(FulfilmentReporter.MAX_MESSAGE_CHARS);

        String message = published(FulfilmentKind.PROGRESS, emoji);

        assertThat(message.length()).isLessThanOrEqualTo(FulfilmentReporter.MAX_MESSAGE_CHARS);
        String kept = message.substring(0, message.indexOf('…'));
        assertThat(kept.codePoints()).allMatch(c -> c == 0x1F680);
    }
}
