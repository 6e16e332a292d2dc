package io.capmarket.gateway.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import io.capmarket.gateway.RetryLaterException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks the gateway instance that owns a request (or part of a list) over HTTP, with the caller's
 * own {@code Authorization} so the owner authorizes exactly as this instance would. Never blocks:
 * answers are futures. The owner answers from its local store only ({@link #FORWARDED_HEADER}),
 * so a read is forwarded at most once; when ownership moved meanwhile, the owner answers 503 and
 * so does this instance.
 */
public final class Forwarder {

    /** Marks a forwarded read; the receiver answers from its own stores or 503, never forwards again. */
    public static final String FORWARDED_HEADER = "X-Capmarket-Forwarded";
    public static final String INTERNAL_REQUESTS = Route.INTERNAL_PREFIX + "v1/requests";

    private final HttpClient http;
    private final Duration timeout;

    public Forwarder(Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.timeout = timeout;
    }

    /** One request from its owner; empty when the owner has none (or it is another team's). */
    public CompletableFuture<Optional<RequestView>> read(HostInfo owner, String requestId, ReadCondition condition,
            String authorization, String requestIdHeader) {
        Map<String, String> query = new LinkedHashMap<>();
        if (condition.waitFor() != null) {
            query.put("waitFor", condition.waitFor());
        }
        query.put("minHistory", Integer.toString(condition.minHistory()));
        query.put("awaitExistence", Boolean.toString(condition.awaitExistence()));
        query.put("timeout", condition.timeout().toMillis() + "ms");
        URI uri = uri(owner, INTERNAL_REQUESTS + "/" + encode(requestId), query);
        return send(uri, authorization, requestIdHeader, timeout.plus(condition.timeout())).thenApply(response -> {
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            return Optional.of(parse(response, owner, new TypeReference<RequestView>() { }));
        });
    }

    /** The owner's part of a list. */
    public CompletableFuture<List<RequestView>> list(HostInfo owner, ListQuery query, String authorization, String requestIdHeader) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query.team() != null) {
            params.put("team", query.team());
        }
        if (query.state() != null) {
            params.put("state", query.state());
        }
        if (query.capability() != null) {
            params.put("capability", query.capability());
        }
        if (query.after() != null) {
            params.put("after", query.after());
        }
        params.put("limit", Integer.toString(query.limit()));
        params.put("order", query.order().parameter());
        return send(uri(owner, INTERNAL_REQUESTS, params), authorization, requestIdHeader, timeout)
                .thenApply(response -> parse(response, owner, new TypeReference<List<RequestView>>() { }));
    }

    private CompletableFuture<HttpResponse<String>> send(URI uri, String authorization, String requestIdHeader, Duration within) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(within).GET()
                .header(FORWARDED_HEADER, "true")
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (requestIdHeader != null) {
            request.header("X-Request-Id", requestIdHeader);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    throw new RetryLaterException("the gateway instance " + uri.getHost() + ":" + uri.getPort()
                            + " that owns the data did not answer: " + cause, RequestStore.RETRY_AFTER, cause);
                });
    }

    private static <T> T parse(HttpResponse<String> response, HostInfo owner, TypeReference<T> type) {
        if (response.statusCode() == 200) {
            try {
                return Json.MAPPER.readValue(response.body(), type);
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable answer from gateway instance " + owner, e);
            }
        }
        throw new RetryLaterException("the gateway instance " + owner.host() + ":" + owner.port()
                + " that owns the data answered " + response.statusCode(), RequestStore.RETRY_AFTER);
    }

    private static URI uri(HostInfo host, String path, Map<String, String> query) {
        String q = query.entrySet().stream().map(e -> e.getKey() + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        return URI.create("http://" + host.host() + ":" + host.port() + path + (q.isEmpty() ? "" : "?" + q));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
