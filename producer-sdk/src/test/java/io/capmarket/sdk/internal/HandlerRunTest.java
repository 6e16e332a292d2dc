package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.ProducerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HandlerRunTest {

    record Report(FulfilmentKind kind, String message, boolean retryable, boolean mustNotLose) {
    }

    private final List<Report> reports = new ArrayList<>();
    private final ReportSink sink = (ref, kind, message, outputs, retryable, mustNotLose) ->
            reports.add(new Report(kind, message, retryable, mustNotLose));
    private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final Assignment assignment = new Assignment("r1", "pg-eu", "postgres-database", 1, "app-team", 2, "{\"size\":\"small\"}",
            clock.instant(), clock.instant().plusSeconds(30), Duration.ofMinutes(10));

    private List<Report> run(AssignmentHandler handler, boolean autoAccept) {
        HandlerRun.run(HandlerRun.async(handler), new ReportingContext(assignment, sink), autoAccept, clock, ProducerListener.NONE)
                .join();
        return reports;
    }

    @Test
    void autoAcceptReportsAcceptedBeforeTheHandlerRuns() {
        run((a, c) -> {
            assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED);
            c.fulfil(Map.of("host", "r1.db"));
        }, true);

        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED);
    }

    @Test
    void aThrowingHandlerBecomesARetryableFailureWithTheExceptionMessage() {
        run((a, c) -> {
            throw new IllegalStateException("cloud quota exceeded");
        }, true);

        assertThat(reports).containsExactly(new Report(FulfilmentKind.ACCEPTED, null, false, false),
                new Report(FulfilmentKind.FAILED, "cloud quota exceeded", true, true));
    }

    @Test
    void aHandlerWithoutAnOutcomeIsSettledAsARetryableFailure() {
        run((a, c) -> c.progress("thinking"), false);

        assertThat(reports).containsExactly(new Report(FulfilmentKind.PROGRESS, "thinking", false, false),
                new Report(FulfilmentKind.FAILED, HandlerRun.NO_OUTCOME, true, true));
    }

    @Test
    void aHandedOffAssignmentIsLeftForALaterReport() {
        run((a, c) -> c.handOff(), true);

        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED);
    }

    @Test
    void rejectBeforeAcceptanceIsARejectionAndAfterItARetryableFailure() {
        run((a, c) -> c.reject("region full"), false);
        assertThat(reports).containsExactly(new Report(FulfilmentKind.REJECTED, "region full", false, false));

        reports.clear();
        run((a, c) -> c.reject("region full"), true);
        assertThat(reports).containsExactly(new Report(FulfilmentKind.ACCEPTED, null, false, false),
                new Report(FulfilmentKind.FAILED, "rejected after acceptance: region full", true, false));
    }

    @Test
    void anAsyncHandlerSettlesWhenItsStageCompletes() {
        CompletableFuture<Void> work = new CompletableFuture<>();
        ReportingContext context = new ReportingContext(assignment, sink);
        CompletableFuture<Void> settled = HandlerRun.run((a, c) -> work, context, true, clock, ProducerListener.NONE);

        assertThat(settled).isNotDone();
        work.completeExceptionally(new RuntimeException("disk full"));
        settled.join();
        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FAILED);
        assertThat(reports.get(1).message()).isEqualTo("disk full");
    }

    @Test
    void acceptIsReportedOnceAndTheContextCarriesTheAssignment() {
        run((a, c) -> {
            c.accept();
            assertThat(c.requestId()).isEqualTo("r1");
            assertThat(c.attempt()).isEqualTo(2);
            assertThat(a.parameterMap()).containsEntry("size", "small");
            c.fulfil(Map.of());
        }, true);

        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED);
    }
}
