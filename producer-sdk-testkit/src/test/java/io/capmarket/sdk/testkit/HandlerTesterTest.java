package io.capmarket.sdk.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.sdk.AsyncAssignmentHandler;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.FulfilmentContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HandlerTesterTest {

    @Test
    void recordsEveryReportInOrderWithAutoAccept() {
        Recording run = HandlerTester.of((assignment, context) -> {
            context.progress("creating");
            context.fulfil(Map.of("host", context.requestId() + ".db"));
        }).run(HandlerTester.assignment("r-1").build());

        assertThat(run.reports()).containsExactly(Report.accepted(), Report.progress("creating"),
                Report.fulfilled(Map.of("host", "r-1.db")));
        assertThat(run.outcome()).contains(Report.fulfilled(Map.of("host", "r-1.db")));
        assertThat(run.ref()).isEqualTo(new AssignmentRef("r-1", 1, "test-offer", "test-capability"));
    }

    @Test
    void aThrowingHandlerIsRecordedAsTheSdkWouldReportIt() {
        Recording run = HandlerTester.of((assignment, context) -> {
            throw new IllegalArgumentException("size 'huge' is not offered");
        }).autoAccept(false).run(HandlerTester.assignment("r-2").build());

        assertThat(run.reports()).containsExactly(Report.failed("size 'huge' is not offered", true));
    }

    @Test
    void anAsyncHandlerCanBeCancelledWhileItRuns() {
        CompletableFuture<Void> work = new CompletableFuture<>();
        AsyncAssignmentHandler handler = new AsyncAssignmentHandler() {
            @Override
            public CompletableFuture<Void> onAssignment(io.capmarket.sdk.Assignment assignment, FulfilmentContext context) {
                return work;
            }

            @Override
            public void onCancel(io.capmarket.sdk.Assignment assignment, FulfilmentContext context) {
                context.fail("cancelled, cleaned up", false);
                work.complete(null);
            }
        };

        HandlerTester.Running running = HandlerTester.ofAsync(handler).start(HandlerTester.assignment("r-3").attempt(2).build());
        assertThat(running.settled()).isFalse();
        Recording run = running.cancel().await();

        assertThat(run.cancelled()).isTrue();
        assertThat(run.kinds()).containsExactly(io.capmarket.schemas.FulfilmentKind.ACCEPTED,
                io.capmarket.schemas.FulfilmentKind.FAILED);
        assertThat(run.ref().attempt()).isEqualTo(2);
    }
}
