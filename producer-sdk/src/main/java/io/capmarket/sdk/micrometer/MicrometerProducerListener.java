package io.capmarket.sdk.micrometer;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentRef;
import io.capmarket.sdk.ProducerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Binds a {@link io.capmarket.sdk.CapmarketProducer}'s figures to a Micrometer {@link MeterRegistry}:
 *
 * <table>
 *   <caption>meters, each tagged {@code producer} and {@code capability}</caption>
 *   <tr><td>{@code capmarket.sdk.assignments.received}</td><td>FULFIL assignments received</td></tr>
 *   <tr><td>{@code capmarket.sdk.assignments.accepted}</td><td>ACCEPTED reports acknowledged on provisioning</td></tr>
 *   <tr><td>{@code capmarket.sdk.assignments.fulfilled}</td><td>FULFILLED reports acknowledged on provisioning</td></tr>
 *   <tr><td>{@code capmarket.sdk.assignments.failed}</td><td>FAILED reports acknowledged on provisioning (tag {@code retryable} is not known here; see the fulfilment topic)</td></tr>
 *   <tr><td>{@code capmarket.sdk.operations.received}</td><td>UPDATE and DEPROVISION assignments received, tag {@code action} = update or deprovision</td></tr>
 *   <tr><td>{@code capmarket.sdk.operations.reported}</td><td>reports on updates and deprovisions acknowledged, tag {@code kind} = accepted, rejected, progress, fulfilled or failed</td></tr>
 *   <tr><td>{@code capmarket.sdk.assignments.skipped}</td><td>assignment records skipped for good (tag {@code producer} only)</td></tr>
 *   <tr><td>{@code capmarket.sdk.assignments.handed.over}</td><td>work still running here when its partition went to another
 *       process, which may run it again; tag {@code action} = fulfil, update or deprovision</td></tr>
 *   <tr><td>{@code capmarket.sdk.progress.coalesced}</td><td>PROGRESS reports held back by the progress rate limit and never sent (a later one or the final report replaced them)</td></tr>
 *   <tr><td>{@code capmarket.sdk.handler.timeouts}</td><td>handlers that did not finish within {@code handlerTimeout} (interrupted
 *       or cancelled, their slot freed); tag {@code action} = fulfil, update or deprovision</td></tr>
 *   <tr><td>{@code capmarket.sdk.handlers.stuck}</td><td>gauge (tag {@code producer} only): handler threads still inside their
 *       method after {@code handlerTimeout} and its interrupt; at 8 the process takes no new work</td></tr>
 *   <tr><td>{@code capmarket.sdk.handler.latency}</td><td>timer: handler start to completion, tags {@code action} = fulfil, update or deprovision and {@code outcome} = ok or error</td></tr>
 * </table>
 *
 * <p>Micrometer is an optional dependency of the SDK: add {@code io.micrometer:micrometer-core} to
 * use this class. {@code builder.listener(new MicrometerProducerListener(registry, "db-team"))}.
 * Thread-safe.
 */
public final class MicrometerProducerListener implements ProducerListener {

    private final MeterRegistry registry;
    private final String producerId;
    private final AtomicInteger stuck = new AtomicInteger();

    /** Binds to {@code registry}, tagging every meter with {@code producerId}. */
    public MicrometerProducerListener(MeterRegistry registry, String producerId) {
        this.registry = registry;
        this.producerId = producerId;
        Gauge.builder("capmarket.sdk.handlers.stuck", stuck, AtomicInteger::get)
                .description("handler threads still inside their method after handlerTimeout and its interrupt")
                .tag("producer", producerId).register(registry);
    }

    @Override
    public void handlerThreadsStuck(int stuck) {
        this.stuck.set(stuck);
    }

    @Override
    public void assignmentReceived(Assignment assignment) {
        counter("capmarket.sdk.assignments.received", assignment.capability(), "FULFIL assignments received").increment();
    }

    @Override
    public void operationReceived(Assignment assignment) {
        actionCounter("capmarket.sdk.operations.received", assignment, "UPDATE and DEPROVISION assignments received").increment();
    }

    @Override
    public void reported(AssignmentRef ref, FulfilmentKind kind) {
        if (ref.revision() > 0) {
            Counter.builder("capmarket.sdk.operations.reported").description("reports on updates and deprovisions")
                    .tags("producer", producerId, "capability", ref.capability(), "kind", lower(kind.name()))
                    .register(registry).increment();
            return;
        }
        switch (kind) {
            case ACCEPTED -> counter("capmarket.sdk.assignments.accepted", ref.capability(), "assignments accepted").increment();
            case FULFILLED -> counter("capmarket.sdk.assignments.fulfilled", ref.capability(), "assignments fulfilled").increment();
            case FAILED -> counter("capmarket.sdk.assignments.failed", ref.capability(), "assignments failed").increment();
            default -> { }
        }
    }

    @Override
    public void assignmentSkipped(String topic, int partition, long offset, String reason) {
        Counter.builder("capmarket.sdk.assignments.skipped").description("assignment records skipped for good")
                .tags("producer", producerId).register(registry).increment();
    }

    @Override
    public void assignmentHandedOver(Assignment assignment) {
        actionCounter("capmarket.sdk.assignments.handed.over", assignment,
                "assignments still running here when their partition went to another process").increment();
    }

    @Override
    public void handlerTimedOut(Assignment assignment, Duration timeout) {
        actionCounter("capmarket.sdk.handler.timeouts", assignment, "handlers that did not finish within handlerTimeout").increment();
    }

    @Override
    public void progressCoalesced(AssignmentRef ref) {
        counter("capmarket.sdk.progress.coalesced", ref.capability(), "progress reports coalesced by the progress rate limit").increment();
    }

    @Override
    public void handlerCompleted(Assignment assignment, Duration latency, Throwable error) {
        Timer.builder("capmarket.sdk.handler.latency")
                .description("how long handlers take, start to completion")
                .tags("producer", producerId, "capability", assignment.capability(), "action", lower(assignment.action().name()),
                        "outcome", error == null ? "ok" : "error")
                .register(registry)
                .record(latency);
    }

    private static String lower(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    /** A counter tagged with the assignment's capability and action. */
    private Counter actionCounter(String name, Assignment assignment, String description) {
        return Counter.builder(name).description(description)
                .tags("producer", producerId, "capability", assignment.capability(), "action", lower(assignment.action().name()))
                .register(registry);
    }

    private Counter counter(String name, String capability, String description) {
        return Counter.builder(name).description(description).tags("producer", producerId, "capability", capability)
                .register(registry);
    }
}
