package io.capmarket.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Clients that submit one new request after another through a gateway's HTTP API, each with a
 * fresh {@code Idempotency-Key}, until stopped; and what each submit was answered. For the
 * reliability scenarios, which break Kafka under this load.
 */
final class SubmitLoad implements AutoCloseable {

    /** One submit as a client saw it; {@code status} 0 means no answer within the answer timeout. */
    record Outcome(String key, int status, Optional<String> retryAfter, Optional<String> location, String problemType,
            long sentNanos, long answeredNanos) {

        Duration took() {
            return Duration.ofNanos(answeredNanos - sentNanos);
        }
    }

    private final Api api;
    private final String token;
    private final String submission;
    private final Duration answerTimeout;
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final List<Thread> clients = new ArrayList<>();
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    /**
     * @param answerTimeout longer than any answer the gateway may take: no answer by then is a hang
     */
    SubmitLoad(Api api, String token, String submission, Duration answerTimeout) {
        this.api = api;
        this.token = token;
        this.submission = submission;
        this.answerTimeout = answerTimeout;
    }

    /** Starts {@code count} clients, named {@code prefix-0} and on. */
    SubmitLoad start(int count, String prefix) {
        for (int c = 0; c < count; c++) {
            startClient(prefix + "-" + c);
        }
        return this;
    }

    /** Stops the clients after their submit in flight; idempotent. */
    @Override
    public void close() throws InterruptedException {
        loading.set(false);
        for (Thread client : clients) {
            client.join(answerTimeout.toMillis());
        }
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    List<Outcome> withStatus(int status) {
        return outcomes.stream().filter(o -> o.status() == status).toList();
    }

    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /** Waits until {@code count} submits sent after {@code nanos} were accepted, failing on a client's failure. */
    void awaitAcceptedAfter(long nanos, int count, Duration wait) {
        await().atMost(wait).pollInterval(Duration.ofMillis(100)).until(() -> !failures.isEmpty()
                || outcomes.stream().filter(o -> o.status() == 202 && o.sentNanos() > nanos).count() >= count);
        assertThat(failures).isEmpty();
    }

    /** How many submits were sent after {@code nanos}. */
    long sentAfter(long nanos) {
        return outcomes.stream().filter(o -> o.sentNanos() > nanos).count();
    }

    /** Every answer but 202 and 503, by status, with its key and problem type. */
    Map<Integer, List<String>> otherAnswers() {
        return outcomes.stream().filter(o -> o.status() != 202 && o.status() != 503)
                .collect(Collectors.groupingBy(Outcome::status, TreeMap::new,
                        Collectors.mapping(o -> o.key() + " " + o.problemType(), Collectors.toList())));
    }

    /** The longest time in which no client got a 202: what the clients saw of an outage. */
    long longestGapBetweenAccepted() {
        List<Long> answered = withStatus(202).stream().map(Outcome::answeredNanos).sorted().toList();
        long longest = 0;
        for (int i = 1; i < answered.size(); i++) {
            longest = Math.max(longest, answered.get(i) - answered.get(i - 1));
        }
        return longest;
    }

    /** The accepted requests that are not FULFILLED within {@code timeout} each, with what was read instead. */
    List<String> acceptedButNotFulfilled(String timeout) {
        List<String> missing = new ArrayList<>();
        for (Outcome o : withStatus(202)) {
            Api.Response read = api.get(o.location().orElseThrow() + "?waitFor=FULFILLED&timeout=" + timeout, token);
            if (read.status() != 200 || !"FULFILLED".equals(read.json().get("state").asText())) {
                missing.add(o.key() + " -> " + read.status() + " " + read.text());
            }
        }
        return missing;
    }

    private void startClient(String name) {
        Thread thread = new Thread(() -> {
            int n = 0;
            try {
                while (loading.get()) {
                    outcomes.add(submit(name + "-" + n++));
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        clients.add(thread);
    }

    private Outcome submit(String key) {
        HttpRequest request = api.request("/v1/requests", token).timeout(answerTimeout)
                .POST(HttpRequest.BodyPublishers.ofString(submission))
                .header("Content-Type", "application/json").header("Idempotency-Key", key).build();
        long sent = System.nanoTime();
        try {
            Api.Response response = api.send(request);
            String type = response.contentType().startsWith("application/problem+json") ? response.json().get("type").asText() : "";
            return new Outcome(key, response.status(), response.header("Retry-After"), response.header("Location"), type,
                    sent, System.nanoTime());
        } catch (AssertionError noAnswer) {
            return new Outcome(key, 0, Optional.empty(), Optional.empty(), String.valueOf(noAnswer.getCause()), sent, System.nanoTime());
        }
    }
}
