package io.capmarket.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HTTP side of the client: URLs under the base URL (its path kept), one JSON call with its
 * retries, and the parts of a try the event stream shares. Immutable and thread-safe.
 */
final class Transport {

    static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String token;
    private final HttpClient http;
    private final RetryPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;

    Transport(URI baseUrl, String token, HttpClient http, RetryPolicy policy, Clock clock, Sleeper sleeper) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.http = http;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    Clock clock() {
        return clock;
    }

    HttpClient http() {
        return http;
    }

    /**
     * The URL of {@code relative} (no leading slash, for example {@code v1/requests?limit=5})
     * under the base URL, whose path (for example {@code /capmarket/}) stays in front of it.
     */
    URI uri(String relative) {
        return URI.create(baseUrl + relative);
    }

    /** A new retry budget for one call. */
    Retry retry(String call) {
        return new Retry(call, policy, clock, sleeper, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** A request of {@code relative} with the token and {@code Accept: application/json}. */
    HttpRequest.Builder request(String relative, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(relative)).timeout(timeout).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** Calls the gateway, retrying as the policy allows; the answer's JSON, or a {@link CapmarketException} naming the call. */
    JsonNode call(String method, String relative, Object body, String idempotencyKey, Duration timeout) {
        HttpRequest.Builder request = request(relative, timeout);
        if (body != null) {
            try {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the body of " + method + " " + relative + " cannot be written as JSON: "
                        + e.getOriginalMessage(), e);
            }
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        HttpRequest built = request.build();
        String call = method + " " + built.uri();
        Retry retry = retry(call);
        while (true) {
            try {
                HttpResponse<String> response = send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), call, timeout);
                if (response.statusCode() / 100 == 2) {
                    return parse(response.body());
                }
                throw problem(response.statusCode(), response.body(), response.headers().firstValue("Retry-After").orElse(null));
            } catch (CapmarketException failure) {
                retry.pause(failure);
            }
        }
    }

    /** One try: the response, or a retryable {@link CapmarketException} when no answer came. */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body, String call, Duration timeout) {
        try {
            return http.send(request, body);
        } catch (HttpTimeoutException e) {
            throw new CapmarketException(0, "/problems/timeout", "no answer within " + timeout.toMillis() + "ms", List.of(), e);
        } catch (IOException e) {
            throw new CapmarketException(0, "/problems/unreachable", "the gateway did not answer: " + e, List.of(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CapmarketException.interrupted(call, e);
        }
    }

    /** The problem an answer other than 2xx carries. */
    CapmarketException problem(int status, String body, String retryAfter) {
        JsonNode problem;
        try {
            problem = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            problem = null;
        }
        return CapmarketException.fromProblem(status, problem, RetryAfter.parse(retryAfter, clock.instant()).orElse(null));
    }

    /** The JSON of an answer, or a {@link CapmarketException} saying it is none. */
    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw CapmarketException.notRetryable("/problems/not-json", "the gateway answered something that is not JSON: "
                    + e.getMessage());
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
