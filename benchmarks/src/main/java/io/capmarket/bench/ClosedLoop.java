package io.capmarket.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP load: {@code connections} clients, each sending its next request as soon as
 * the previous one is answered, for a fixed time. Counts answers by whether they had the expected
 * status, and keeps the latency distribution of the measured part, the CPU the processes
 * involved used during it and what the broker did meanwhile.
 */
final class ClosedLoop {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int connections;

    /** When the clients start counting and when they stop, decided once the warm-up is over. */
    private static final class Phases {
        volatile long measureFrom = Long.MAX_VALUE;
        volatile long end = Long.MAX_VALUE;
    }

    ClosedLoop(int connections) {
        this.connections = connections;
    }

    /**
     * The figures of one run.
     *
     * @param used by counter, how much of it the measured part used: by process, the CPU seconds it
     *     used; the broker's counts ({@link BrokerCounters})
     * @param seconds how long the measured part lasted
     * @param warmUpSeconds how long the unmeasured part lasted
     * @param compilersAtStart the measured processes' JIT compilers' share of a core over the warm-up's last window
     */
    record Outcome(long ok, long unexpected, long errors, double perSecond, Histogram latencyMicros,
            Map<String, Double> used, double seconds, double warmUpSeconds, double compilersAtStart) {

        double percentileMillis(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1_000.0;
        }

        /** The CPU {@code process} used per successful answer in the measured part, in µs. */
        double cpuMicrosPerAnswer(String process) {
            return perAnswer(process) * 1e6;
        }

        /** How much of {@code counter} the measured part used per second (0 for a counter not read). */
        double perSecondOf(String counter) {
            return used.getOrDefault(counter, 0.0) / seconds;
        }

        /** How much of {@code counter} the measured part used per successful answer (0 for a counter not read). */
        double perAnswer(String counter) {
            return used.getOrDefault(counter, 0.0) / Math.max(1, ok);
        }
    }

    /**
     * The unmeasured part before a measurement: at least {@code least}, then until the JIT
     * compilers of the measured processes have settled ({@link CompilerShare}: together under 5 %
     * of one core over the last {@code window}), and at most {@code most}. A process still
     * compiling what the load asks of it measures its warm-up, not its steady state.
     *
     * @param compilerSeconds the CPU seconds the measured processes' compilers have used so far
     */
    record WarmUp(Duration least, Duration most, Duration window, DoubleSupplier compilerSeconds) {

        WarmUp {
            if (most.compareTo(least) < 0 || window.isZero() || window.isNegative()) {
                throw new IllegalArgumentException("a warm-up of " + least + " to " + most + " over windows of " + window);
            }
        }

        /** At least {@code least}, at most {@code most}, judged over windows of {@link CompilerShare#WINDOW}. */
        static WarmUp settling(Duration least, Duration most, DoubleSupplier compilerSeconds) {
            return new WarmUp(least, most, CompilerShare.WINDOW, compilerSeconds);
        }

        /** Waits from {@code startNanos} until the warm-up is over; returns the compilers' share of a core over its last window. */
        double await(long startNanos) {
            CompilerShare compilers = new CompilerShare(compilerSeconds, window);
            long latest = startNanos + most.toNanos();
            long from = startNanos + Math.max(0, least.toNanos() - window.toNanos());
            Pause.until(from);
            compilers.sample(System.nanoTime());
            while (true) {
                long to = Math.min(compilers.newestNanos() + window.toNanos(), latest);
                Pause.until(to);
                compilers.sample(System.nanoTime());
                if (to >= latest || (to >= startNanos + least.toNanos() && compilers.settled())) {
                    return compilers.share();
                }
            }
        }
    }

    /**
     * Runs unmeasured until {@code warmUp} is over, then {@code duration} measured.
     *
     * @param request the request a client sends next, from the client's number and its count so far
     * @param expectedStatus the status of a successful answer
     * @param onAnswer sees every successful answer (for example to collect the ids created)
     * @param counters by name, how much each has counted so far (by process, the CPU seconds it has used; the
     *     broker's counts), read as the measured part starts and ends
     */
    Outcome run(BiFunction<Integer, Long, HttpRequest> request, int expectedStatus, WarmUp warmUp, Duration duration,
            Consumer<HttpResponse<String>> onAnswer, Map<String, DoubleSupplier> counters) {
        long start = System.nanoTime();
        Phases phases = new Phases();
        AtomicLong ok = new AtomicLong();
        AtomicLong unexpected = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int clientNumber = c;
            Histogram histogram = new Histogram(60_000_000L, 3);
            histograms.add(histogram);
            Thread thread = new Thread(() -> {
                long n = 0;
                long now;
                while ((now = System.nanoTime()) < phases.end) {
                    boolean measured = now >= phases.measureFrom;
                    try {
                        HttpResponse<String> answer = client.send(request.apply(clientNumber, n++), HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - now;
                        if (answer.statusCode() == expectedStatus) {
                            onAnswer.accept(answer);
                            if (measured) {
                                ok.incrementAndGet();
                                histogram.recordValue(Math.min(took / 1_000, 60_000_000L));
                            }
                        } else if (measured) {
                            unexpected.incrementAndGet();
                        }
                    } catch (IOException e) {
                        if (measured) {
                            errors.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "closed-loop-" + c);
            thread.start();
            threads.add(thread);
        }
        double compilersAtStart = warmUp.await(start);
        Map<String, Double> atStart = new LinkedHashMap<>();
        counters.forEach((name, counter) -> atStart.put(name, counter.getAsDouble()));
        long measureFrom = System.nanoTime();
        phases.measureFrom = measureFrom;
        phases.end = measureFrom + duration.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, Double> used = new LinkedHashMap<>();
        counters.forEach((name, counter) -> used.put(name, counter.getAsDouble() - atStart.get(name)));
        Histogram all = new Histogram(60_000_000L, 3);
        histograms.forEach(all::add);
        double seconds = duration.toNanos() / 1e9;
        return new Outcome(ok.get(), unexpected.get(), errors.get(), ok.get() / seconds, all, Map.copyOf(used), seconds,
                (measureFrom - start) / 1e9, compilersAtStart);
    }
}
