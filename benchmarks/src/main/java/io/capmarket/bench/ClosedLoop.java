package io.capmarket.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP load: {@code connections} clients, each sending its next request as soon as
 * the previous one is answered, for a fixed time. Counts answers by whether they had the expected
 * status, and keeps the latency distribution of the measured part.
 */
final class ClosedLoop {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int connections;

    ClosedLoop(int connections) {
        this.connections = connections;
    }

    /** The figures of one run. */
    record Outcome(long ok, long unexpected, long errors, double perSecond, Histogram latencyMicros) {

        double percentileMillis(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1_000.0;
        }
    }

    /**
     * Runs {@code warmUp} unmeasured, then {@code duration} measured.
     *
     * @param request the request a client sends next, from the client's number and its count so far
     * @param expectedStatus the status of a successful answer
     * @param onAnswer sees every successful answer (for example to collect the ids created)
     */
    Outcome run(BiFunction<Integer, Long, HttpRequest> request, int expectedStatus, Duration warmUp, Duration duration,
            Consumer<HttpResponse<String>> onAnswer) {
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long end = measureFrom + duration.toNanos();
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
                while ((now = System.nanoTime()) < end) {
                    boolean measured = now >= measureFrom;
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
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Histogram all = new Histogram(60_000_000L, 3);
        histograms.forEach(all::add);
        return new Outcome(ok.get(), unexpected.get(), errors.get(), ok.get() / (duration.toNanos() / 1e9), all);
    }
}
