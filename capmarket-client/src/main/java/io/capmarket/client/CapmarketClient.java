package io.capmarket.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A client of the capmarket consumer gateway, for bots and scripts: browse the catalog, submit
 * with idempotency, wait for a state, stream a request's events, cancel.
 *
 * <pre>{@code
 * CapmarketClient client = CapmarketClient.builder()
 *         .baseUrl("https://capmarket.internal")
 *         .token(System.getenv("CAPMARKET_TOKEN"))
 *         .build();
 * Request request = client.submit(Submission.of("postgres-database", 1)
 *         .withParameter("sizeGb", 20).withConstraint("region", "eu-west")
 *         .withIdempotencyKey("deploy-1234-db"));
 * Request done = client.await(request.id(), "FULFILLED", Duration.ofMinutes(15));
 * }</pre>
 *
 * <p>Share one instance: it is immutable and thread-safe, and holds one {@link HttpClient}.
 * {@link #newBuilder()} derives a client with, say, another token. Calls that the gateway
 * answers with 503 (rebalancing, restoring) are retried after its {@code Retry-After}, within
 * {@link Builder#retryFor(Duration)}; a submission is always sent with an idempotency key, so
 * a retry can never create a second request. Problems are thrown as {@link CapmarketException}.
 */
public final class CapmarketClient {

    /** How long 503 answers are retried by default. */
    public static final Duration DEFAULT_RETRY_FOR = Duration.ofSeconds(30);
    /**
     * The longest single long-poll; longer waits are several. Within any gateway's
     * {@code long-poll.max-timeout} of 20s or more (the default is 60s).
     */
    public static final Duration LONG_POLL = Duration.ofSeconds(20);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String token;
    private final Duration retryFor;
    private final HttpClient http;

    private CapmarketClient(Builder builder) {
        this.baseUrl = builder.baseUrl;
        this.token = builder.token;
        this.retryFor = builder.retryFor;
        this.http = builder.http != null ? builder.http
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this client's settings (sharing its HttpClient). */
    public Builder newBuilder() {
        Builder builder = new Builder();
        builder.baseUrl = baseUrl;
        builder.token = token;
        builder.retryFor = retryFor;
        builder.http = http;
        return builder;
    }

    /** Every catalog entry (all pages), as the gateway's JSON. */
    public List<JsonNode> capabilities() {
        List<JsonNode> all = new java.util.ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = call("GET", "/v1/capabilities?limit=500" + (cursor == null ? "" : "&cursor=" + encode(cursor)), null, null,
                    Duration.ofSeconds(30));
            page.path("items").forEach(all::add);
            cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (cursor != null);
        return all;
    }

    /** One capability with its versions, parameter schemas and offers. */
    public JsonNode capability(String name) {
        return call("GET", "/v1/capabilities/" + encode(name), null, null, Duration.ofSeconds(30));
    }

    /** Submits, or returns the request the submission's idempotency key already names. */
    public Request submit(Submission submission) {
        Objects.requireNonNull(submission, "submission");
        return Request.from(call("POST", "/v1/requests", submission.body(), submission.idempotencyKey(), Duration.ofSeconds(60)));
    }

    /** The request now. */
    public Request get(String requestId) {
        return Request.from(call("GET", "/v1/requests/" + encode(requestId), null, null, Duration.ofSeconds(30)));
    }

    /**
     * Waits (by long-polls, no busy loop) until the request is in {@code state} or finished, or
     * {@code timeout} passed; returns the request as it then is.
     */
    public Request await(String requestId, String state, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            Duration wait = left.compareTo(LONG_POLL) < 0 ? left : LONG_POLL;
            if (wait.isNegative() || wait.isZero()) {
                return get(requestId);
            }
            Request request = Request.from(call("GET", "/v1/requests/" + encode(requestId) + "?waitFor=" + encode(state)
                    + "&timeout=" + Math.max(1, wait.toMillis()) + "ms", null, null, wait.plusSeconds(30)));
            if (request.state().equals(state) || request.terminal() || !Instant.now().isBefore(deadline)) {
                return request;
            }
        }
    }

    /**
     * Streams a request's events to {@code listener}: its history, then each transition as it
     * happens; returns when the request is finished (after the {@code end} event).
     */
    public void events(String requestId, Consumer<RequestEvent> listener) {
        HttpRequest request = request("/v1/requests/" + encode(requestId) + "/events", Duration.ofDays(1))
                .setHeader("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new CapmarketException(0, "/problems/unreachable", "the gateway did not answer: " + e, List.of(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CapmarketException(0, "/problems/interrupted", "interrupted", List.of(), e);
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                StringBuilder text = new StringBuilder();
                lines.forEach(text::append);
                throw CapmarketException.fromProblem(response.statusCode(), parse(text.toString()));
            }
            String event = null;
            StringBuilder data = new StringBuilder();
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && event != null) {
                    JsonNode json = parse(data.toString());
                    if (event.equals("transition")) {
                        listener.accept(new RequestEvent(event, json.path("index").asInt(), json.path("state").asText(),
                                Request.from(json.path("request"))));
                    } else if (event.equals("end")) {
                        Request last = Request.from(json);
                        listener.accept(new RequestEvent(event, last.history().size(), last.state(), last));
                        return;
                    } else if (event.equals("error")) {
                        throw new CapmarketException(0, "/problems/stream-ended", data.toString(), List.of(), null);
                    }
                    event = null;
                    data.setLength(0);
                }
            }
        }
    }

    /** Asks to cancel; returns the request as it was when the cancel was accepted. */
    public Request cancel(String requestId) {
        return Request.from(call("DELETE", "/v1/requests/" + encode(requestId), null, null, Duration.ofSeconds(30)));
    }

    private JsonNode call(String method, String path, Object body, String idempotencyKey, Duration timeout) {
        Instant giveUp = Instant.now().plus(retryFor);
        while (true) {
            HttpRequest.Builder request = request(path, timeout);
            if (body != null) {
                try {
                    request.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("the submission cannot be written as JSON: " + e.getOriginalMessage(), e);
                }
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            CapmarketException failure;
            Duration retryAfter = Duration.ofSeconds(1);
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() / 100 == 2) {
                    return parse(response.body());
                }
                failure = CapmarketException.fromProblem(response.statusCode(), parseOrNull(response.body()));
                retryAfter = response.headers().firstValue("Retry-After").map(CapmarketClient::seconds).orElse(retryAfter);
            } catch (InterruptedIOException e) {
                failure = new CapmarketException(0, "/problems/timeout", "no answer within " + timeout, List.of(), e);
            } catch (IOException e) {
                failure = new CapmarketException(0, "/problems/unreachable", "the gateway did not answer: " + e, List.of(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CapmarketException(0, "/problems/interrupted", "interrupted", List.of(), e);
            }
            if (!failure.retryable() || Instant.now().plus(retryAfter).isAfter(giveUp)) {
                throw failure;
            }
            LockSupport.parkNanos(retryAfter.toNanos());
        }
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(timeout).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static Duration seconds(String header) {
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway answered something that is not JSON", e);
        }
    }

    private static JsonNode parseOrNull(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Configures a client. {@link #baseUrl} is required. */
    public static final class Builder {
        private URI baseUrl;
        private String token;
        private Duration retryFor = DEFAULT_RETRY_FOR;
        private HttpClient http;

        private Builder() {
        }

        /** The gateway, for example {@code http://localhost:8080}. */
        public Builder baseUrl(String url) {
            URI uri = URI.create(Objects.requireNonNull(url, "baseUrl"));
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an http(s) URL with a host, but was '" + url + "'");
            }
            this.baseUrl = URI.create(url.endsWith("/") ? url : url + "/");
            return this;
        }

        /** The bearer token (it names the team and role). */
        public Builder token(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("token must not be empty");
            }
            this.token = token;
            return this;
        }

        /** How long answers of 503 are retried (default 30s); zero retries never. */
        public Builder retryFor(Duration retryFor) {
            if (retryFor == null || retryFor.isNegative()) {
                throw new IllegalArgumentException("retryFor must be zero or more, but was " + retryFor);
            }
            this.retryFor = retryFor;
            return this;
        }

        /** An HttpClient to use instead of the client's own. */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "httpClient");
            return this;
        }

        public CapmarketClient build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            return new CapmarketClient(this);
        }
    }
}
