package io.capmarket.sdk.internal;

import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.InvalidConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds how long a handler holds its slot ({@code handlerTimeout}): a {@link Watch} races the
 * handler's work against a timer of its own thread, and when the time is up first, the work's
 * outcome is a {@link TimedOut}, the thread still inside the handler's method is interrupted (a
 * synchronous handler) and the stage the handler returned is cancelled (an asynchronous one). The
 * timer thread only completes, interrupts and hands the cancellation to an executor: it never
 * publishes and never runs the handler's code; it waits only for a report being sent when the time
 * is up, which an interrupt would cut off.
 */
public final class HandlerTimeouts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerTimeouts.class);

    /**
     * No bound: the work's outcome is the handler's, however long it takes (the test kit's runs without a
     * {@code handlerTimeout}, which the test kit's own timeout bounds).
     */
    public static final HandlerTimeouts NONE = new HandlerTimeouts(null, null, stuck -> { });

    /**
     * Handler threads still inside their method after their time was up and their interrupt, at
     * which the process takes no new work ({@link #overStuckBound()}): the worker pool starts a
     * thread for each new handler, and a handler that ignores its interrupt keeps its thread.
     */
    public static final int MAX_STUCK_HANDLERS = 8;

    private final Duration timeout;
    private final ScheduledThreadPoolExecutor timer;
    private final IntConsumer stuckChanged;
    /** Handler threads still inside their method after their time was up. */
    private final AtomicInteger stuck = new AtomicInteger();

    private HandlerTimeouts(Duration timeout, ScheduledThreadPoolExecutor timer, IntConsumer stuckChanged) {
        this.timeout = timeout;
        this.timer = timer;
        this.stuckChanged = stuckChanged;
    }

    /**
     * {@code timeout} when it is a valid {@code handlerTimeout}: greater than 0 and at most
     * {@link CapmarketProducer#MAX_HANDLER_TIMEOUT} (no value turns the bound off). The rule of the builder's
     * setting and of the test kit's, which must refuse the same values with the same message.
     *
     * @throws InvalidConfigurationException naming {@code handlerTimeout}, the value and the rule
     */
    public static Duration requireValid(Duration timeout) {
        Durations.requirePositive("handlerTimeout", timeout);
        if (timeout.compareTo(CapmarketProducer.MAX_HANDLER_TIMEOUT) > 0) {
            throw new InvalidConfigurationException("handlerTimeout must be at most " + CapmarketProducer.MAX_HANDLER_TIMEOUT.toDays()
                    + " days, but was " + timeout);
        }
        return timeout;
    }

    /**
     * A bound of {@code timeout} timed on a daemon thread of its own named {@code threadName}; the
     * caller has checked it with {@link #requireValid}.
     */
    public static HandlerTimeouts withTimer(Duration timeout, String threadName) {
        return withTimer(timeout, threadName, stuck -> { });
    }

    /**
     * As {@link #withTimer(Duration, String)}, telling {@code stuckChanged} how many handler threads
     * are still inside their method after their time was up ({@link #stuck()}) each time it changes.
     */
    public static HandlerTimeouts withTimer(Duration timeout, String threadName, IntConsumer stuckChanged) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(stuckChanged, "stuckChanged");
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a handler that finishes in time leaves nothing behind for the hour
        return new HandlerTimeouts(timeout, timer, stuckChanged);
    }

    /** Handler threads still inside their method after their time was up and their interrupt. */
    public int stuck() {
        return stuck.get();
    }

    /** Whether {@link #MAX_STUCK_HANDLERS} threads or more are stuck: the process then takes no new work. */
    public boolean overStuckBound() {
        return stuck.get() >= MAX_STUCK_HANDLERS;
    }

    /** Counts and tells under one lock, so that what is told last is the count. */
    private synchronized void stuckBy(int change) {
        int now = stuck.addAndGet(change);
        if (change > 0 && now == MAX_STUCK_HANDLERS) {
            LOG.error("{} handler threads are still inside their handler after handlerTimeout {} and its interrupt: this process "
                    + "reports unhealthy and takes no new work until one returns (a handler must stop when interrupted)", now,
                    Durations.format(timeout));
        } else if (change < 0 && now == MAX_STUCK_HANDLERS - 1) {
            LOG.info("a stuck handler thread returned; {} still stuck: this process takes new work again", now);
        }
        try {
            stuckChanged.accept(now);
        } catch (RuntimeException e) {
            LOG.warn("counting stuck handler threads failed: {}", e.toString());
        }
    }

    /**
     * Starts watching one run of a handler, on the thread about to call it; {@code cancels} runs the
     * stage's cancellation, {@code interrupter} interrupts the thread still inside the handler's method.
     */
    Watch watch(Executor cancels, Consumer<Thread> interrupter) {
        return new Watch(cancels, interrupter);
    }

    /** Stops the timer: work still running is not bounded any more (the client hands it back as it closes). */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The outcome of work whose handler did not finish within the bound. */
    public static final class TimedOut extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient Duration timeout;

        TimedOut(Duration timeout, String what) {
            super("handler did not finish within handlerTimeout " + Durations.format(timeout) + "; " + what
                    + " and its slot freed", null, false, false);
            this.timeout = timeout;
        }

        /** The bound that passed. */
        public Duration timeout() {
            return timeout;
        }
    }

    /**
     * One handler run under the bound. The thread that calls the handler calls {@link #calling()}
     * before and {@link #returned} after. The run's {@link #outcome()} is the stage's, or a
     * {@link TimedOut} when the time is up first, even while the handler's method has not returned.
     */
    final class Watch {

        private final Executor cancels;
        private final Consumer<Thread> interrupter;
        private final CompletableFuture<Object> outcome = new CompletableFuture<>();
        /** The thread inside the handler's method, while it is there. Guarded by this. */
        private Thread caller;
        /** The stage the handler returned, once it did. Guarded by this. */
        private CompletionStage<?> stage;
        /** Whether the timer interrupted the caller, which clears the flag on its way out. Guarded by this. */
        private boolean interrupted;
        /** Whether the caller is counted as stuck: still inside the handler's method when the time was up. Guarded by this. */
        private boolean counted;
        private volatile ScheduledFuture<?> alarm;

        private Watch(Executor cancels, Consumer<Thread> interrupter) {
            this.cancels = cancels;
            this.interrupter = interrupter;
        }

        /** What the work came to: attach what settles it before calling the handler, whose method may never return. */
        CompletableFuture<Object> outcome() {
            return outcome;
        }

        /** The calling thread enters the handler's method; the time starts. */
        void calling() {
            synchronized (this) {
                caller = Thread.currentThread();
            }
            if (timer != null) {
                try {
                    alarm = timer.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the client is closing: the work is handed back unbounded, as all running work is
                }
            }
        }

        /** The handler's method returned {@code stage} (or threw, as a failed stage): the outcome follows it unless the time is up. */
        void returned(CompletionStage<?> returned) {
            synchronized (this) {
                caller = null;
                stage = returned;
                if (interrupted) {
                    Thread.interrupted(); // the interrupt was for the handler; this worker thread goes on with other work
                }
                if (counted) {
                    counted = false;
                    stuckBy(-1);
                }
            }
            if (outcome.isDone()) {
                cancel(returned);
            } else {
                try {
                    returned.whenComplete((value, error) -> {
                        disarm();
                        if (error == null) {
                            outcome.complete(value);
                        } else {
                            outcome.completeExceptionally(error);
                        }
                    });
                } catch (RuntimeException | Error e) {
                    // a stage that cannot be followed fails the calling worker (the work is given up unsettled): no alarm
                    // may report the work as failed later, for an attempt this process no longer holds
                    disarm();
                    throw e;
                }
            }
        }

        private void disarm() {
            ScheduledFuture<?> scheduled = alarm;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        private void expire() {
            CompletionStage<?> returned;
            synchronized (this) {
                boolean inside = caller != null;
                if (!outcome.completeExceptionally(new TimedOut(timeout, inside ? "its thread was interrupted"
                        : "the stage it returned was cancelled"))) {
                    return;
                }
                if (inside) {
                    interrupted = true;
                    counted = true;
                    stuckBy(1);
                    interrupter.accept(caller); // waits for a report being sent: never cuts one off
                }
                returned = stage;
            }
            if (returned != null) {
                cancel(returned);
            }
        }

        /** Cancels the handler's stage on {@code cancels}: its dependents (the handler's own code, maybe) never run on the timer. */
        private void cancel(CompletionStage<?> returned) {
            try {
                cancels.execute(() -> {
                    try {
                        returned.toCompletableFuture().cancel(true);
                    } catch (UnsupportedOperationException e) {
                        LOG.debug("the handler's stage cannot be cancelled: {}", e.toString());
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("the handler's stage is not cancelled: the client is closing");
            }
        }
    }
}
