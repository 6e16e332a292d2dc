package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
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
    private final List<AssignmentRef> refs = new ArrayList<>();
    private final ReportSink sink = (ref, kind, message, outputs, retryable, mustNotLose) -> {
        refs.add(ref);
        reports.add(new Report(kind, message, retryable, mustNotLose));
    };
    private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final Assignment assignment = new Assignment("r1", "pg-eu", "postgres-database", 1, "app-team", 2, "{\"size\":\"small\"}",
            clock.instant(), clock.instant().plusSeconds(30), Duration.ofMinutes(10));

    private final Assignment update = new Assignment("r1", "pg-eu", "postgres-database", 1, "app-team", 2, "{\"size\":\"large\"}",
            clock.instant(), clock.instant().plusSeconds(3600), Duration.ofMinutes(10), AssignmentAction.UPDATE, 3,
            "{\"size\":\"small\"}");
    private final Assignment deprovision = new Assignment("r1", "pg-eu", "postgres-database", 1, "app-team", 2, "{\"size\":\"large\"}",
            clock.instant(), clock.instant().plusSeconds(3600), Duration.ofMinutes(10), AssignmentAction.DEPROVISION, 4, null);

    private List<Report> run(AssignmentHandler handler, boolean autoAccept) {
        return run(assignment, handler, autoAccept);
    }

    private List<Report> run(Assignment work, AssignmentHandler handler, boolean autoAccept) {
        HandlerRun.run(HandlerRun.async(handler), new ReportingContext(work, sink), autoAccept, clock, ProducerListener.NONE).join();
        return reports;
    }

    /** A handler that says which of its methods ran, and fulfils. */
    private final class Saying implements AssignmentHandler {
        final List<String> calls = new ArrayList<>();

        @Override
        public void onAssignment(Assignment a, FulfilmentContext c) {
            calls.add("assignment");
            c.fulfil(Map.of());
        }

        @Override
        public void onUpdate(Assignment a, FulfilmentContext c) {
            calls.add("update " + a.changedParameters() + " rev " + c.revision());
            c.fulfil(Map.of("host", "r1.db"));
        }

        @Override
        public void onDeprovision(Assignment a, FulfilmentContext c) {
            calls.add("deprovision rev " + c.revision());
            c.fulfil(Map.of());
        }
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
    void aHandlerThatStopsAfterItsCancellationReportsNothingMore() {
        run((a, c) -> {
            ((ReportingContext) c).markCancelled();
            throw new java.util.concurrent.CancellationException("stopped: the marketplace cancelled it");
        }, true);

        assertThat(reports).as("no failure on an attempt the marketplace took back").extracting(Report::kind)
                .containsExactly(FulfilmentKind.ACCEPTED);
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

    @Test
    void eachActionRunsItsMethodAndOnlyAProvisioningIsAutoAccepted() {
        Saying handler = new Saying();

        run(assignment, handler, true);
        run(update, handler, true);
        run(deprovision, handler, true);

        assertThat(handler.calls).containsExactly("assignment", "update [size] rev 3", "deprovision rev 4");
        assertThat(reports).extracting(Report::kind).containsExactly(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED,
                FulfilmentKind.FULFILLED, FulfilmentKind.FULFILLED);
        assertThat(refs).extracting(AssignmentRef::revision).containsExactly(0, 0, 3, 4);
    }

    @Test
    void withoutUpdateOrDeprovisionBothAreRejectedAsNotSupportedEvenWithAutoAccept() {
        AssignmentHandler onlyFulfils = (a, c) -> c.fulfil(Map.of());

        run(update, onlyFulfils, true);
        run(deprovision, onlyFulfils, true);

        assertThat(reports).containsExactly(
                new Report(FulfilmentKind.REJECTED, "update not supported by this producer", false, false),
                new Report(FulfilmentKind.REJECTED, "deprovision not supported by this producer", false, false));
        assertThat(refs).extracting(AssignmentRef::revision).containsExactly(3, 4);
    }

    @Test
    void theAsyncDefaultsRejectTheSameWay() {
        AsyncAssignmentHandler onlyFulfils = (a, c) -> CompletableFuture.completedFuture(null);

        HandlerRun.run(onlyFulfils, new ReportingContext(update, sink), true, clock, ProducerListener.NONE).join();
        HandlerRun.run(onlyFulfils, new ReportingContext(deprovision, sink), true, clock, ProducerListener.NONE).join();

        assertThat(reports).extracting(Report::kind, Report::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FulfilmentKind.REJECTED, AssignmentHandler.UPDATE_NOT_SUPPORTED),
                org.assertj.core.groups.Tuple.tuple(FulfilmentKind.REJECTED, AssignmentHandler.DEPROVISION_NOT_SUPPORTED));
    }

    @Test
    void anOperationRejectedAfterItsHandlerAcceptedItStaysARejection() {
        run(update, new AssignmentHandler() {
            @Override
            public void onAssignment(Assignment a, FulfilmentContext c) {
            }

            @Override
            public void onUpdate(Assignment a, FulfilmentContext c) {
                c.accept();
                c.reject("disk cannot shrink");
            }
        }, true);

        assertThat(reports).containsExactly(new Report(FulfilmentKind.ACCEPTED, null, false, false),
                new Report(FulfilmentKind.REJECTED, "disk cannot shrink", false, false));
    }

    @Test
    void aThrowingDeprovisionIsARetryableFailureSoTheMarketplaceSendsItAgain() {
        run(deprovision, new AssignmentHandler() {
            @Override
            public void onAssignment(Assignment a, FulfilmentContext c) {
            }

            @Override
            public void onDeprovision(Assignment a, FulfilmentContext c) throws Exception {
                throw new java.io.IOException("control plane unreachable");
            }
        }, true);

        assertThat(reports).containsExactly(new Report(FulfilmentKind.FAILED, "control plane unreachable", true, true));
        assertThat(refs).singleElement().extracting(AssignmentRef::revision).isEqualTo(4);
    }
}
