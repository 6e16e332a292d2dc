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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the gateway instance that owns a request (or part of a list) over HTTP, acting for the
 * caller with a short-lived assertion signed with the deployment's secret for that one call
 * ({@link InstanceCalls}): the caller's token never leaves this instance, and the owner authorizes
 * exactly as this instance would. An answer larger than {@link #MAX_ANSWER_BYTES} is refused. Never blocks: answers are
 * futures. The owner answers from its local store only ({@link #FORWARDED_HEADER}), so a read or a
 * submit is forwarded at most once; when ownership moved meanwhile, the owner answers 503 and so does this
 * instance. Which instance it asked is logged, never told to the caller.
 */
public final class Forwarder {

    /** Marks a forwarded read; the receiver answers from its own stores or 503, never forwards again. */
    public static final String FORWARDED_HEADER = "X-Capmarket-Forwarded";
    public static final String INTERNAL_REQUESTS = Route.INTERNAL_PREFIX + "v1/requests";
    /** The last segment of the internal path of a request's matching decisions, as of the public one. */
    public static final String DECISION = "/decision";
    /** The query parameter of a forwarded list that asks for the caller's approval inbox (the caller is in the assertion). */
    public static final String INBOX = "inbox";
    /** The id of a forwarded submit, chosen by the instance that forwards it (used when it has no Idempotency-Key). */
    public static final String SUBMIT_ID_HEADER = "X-Capmarket-Submit-Id";
    /** The largest answer taken from another instance: a full page of views with long histories. */
    public static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final HttpClient http;
    private final Duration timeout;
    private final Duration submitWait;
    private final Gatekeeper gate;

    /**
     * @param timeout how long a forwarded call may take, beyond what the owner waits for on purpose
     * @param submitWait how long the owner of a forwarded submit waits for Kafka's acknowledgement
     *     ({@code requests.visibility-timeout}): the call waits that long more, so that the caller is
     *     told what the owner decided rather than a 503 while the owner may still write the request
     * @param gate signs the assertion of the caller each forwarded read or submit acts for
     */
    public Forwarder(Duration timeout, Duration submitWait, Gatekeeper gate) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.timeout = timeout;
        this.submitWait = submitWait;
        this.gate = gate;
    }

    /** One request from its owner; empty when the owner has none (or it is another team's). */
    public CompletableFuture<Optional<RequestView>> read(HostInfo owner, String requestId, ReadCondition condition,
            Principal caller, String requestIdHeader) {
        Map<String, String> query = new LinkedHashMap<>();
        if (condition.waitFor() != null) {
            query.put("waitFor", condition.waitFor());
        }
        query.put("minHistory", Integer.toString(condition.minHistory()));
        query.put("awaitExistence", Boolean.toString(condition.awaitExistence()));
        query.put("timeout", condition.timeout().toMillis() + "ms");
        URI uri = uri(owner, INTERNAL_REQUESTS + "/" + encode(requestId), query);
        return send(uri, caller, requestIdHeader, timeout.plus(condition.timeout())).thenApply(response -> {
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            return Optional.of(parse(response, owner, new TypeReference<RequestView>() { }));
        });
    }

    /** One request's matching decisions from its owner; empty when the owner has none (or it is one the caller may not see). */
    public CompletableFuture<Optional<DecisionView>> decision(HostInfo owner, String requestId, Principal caller, String requestIdHeader) {
        URI uri = uri(owner, INTERNAL_REQUESTS + "/" + encode(requestId) + DECISION, Map.of());
        return send(uri, caller, requestIdHeader, timeout).thenApply(response -> {
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            return Optional.of(parse(response, owner, new TypeReference<DecisionView>() { }));
        });
    }

    /** The owner's part of a list (of an approval inbox: the caller's, which the owner rebuilds from the assertion). */
    public CompletableFuture<List<RequestView>> list(HostInfo owner, ListQuery query, Principal caller, String requestIdHeader) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query.inbox()) {
            params.put(INBOX, "true");
        } else {
            if (query.team() != null) {
                params.put("team", query.team());
            }
            if (query.state() != null) {
                params.put("state", query.state());
            }
            if (query.capability() != null) {
                params.put("capability", query.capability());
            }
            params.put("order", query.order().parameter());
            if (query.orphanedOnly()) {
                params.put("orphaned", "true");
            }
        }
        if (query.after() != null) {
            params.put("after", query.after());
        }
        params.put("limit", Integer.toString(query.limit()));
        return send(uri(owner, INTERNAL_REQUESTS, params), caller, requestIdHeader, timeout)
                .thenApply(response -> parse(response, owner, new TypeReference<List<RequestView>>() { }));
    }

    /**
     * The owner's answer to a forwarded submit, relayed as given: its status, body and the
     * headers of {@link #RELAYED_HEADERS}.
     */
    public record Relayed(int status, String body, Map<String, String> headers) {
    }

    /** The headers of a forwarded submit's answer that are relayed to the caller. */
    public static final List<String> RELAYED_HEADERS = List.of("Content-Type", "Location", "Deprecation", "Link", "Sunset", "Retry-After");

    /**
     * A submit, executed by the owner of its request id (so that submits with one Idempotency-Key
     * are decided one after the other, in one place). {@code body} has been checked here already.
     */
    public CompletableFuture<Relayed> submit(HostInfo owner, String body, String idempotencyKey, Principal caller,
            String requestIdHeader, Map<String, String> extraHeaders) {
        HttpRequest.Builder request = request(uri(owner, INTERNAL_REQUESTS, Map.of()), "POST", body.getBytes(StandardCharsets.UTF_8),
                caller, requestIdHeader, timeout.plus(submitWait))
                .header("Content-Type", "application/json");
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        extraHeaders.forEach(request::header);
        return send(request.build(), owner).thenApply(response -> {
            Map<String, String> headers = new LinkedHashMap<>();
            RELAYED_HEADERS.forEach(name -> response.headers().firstValue(name).ifPresent(value -> headers.put(name, value)));
            return new Relayed(response.statusCode(), response.body(), headers);
        });
    }

    private CompletableFuture<HttpResponse<String>> send(URI uri, Principal caller, String requestIdHeader, Duration within) {
        return send(request(uri, "GET", new byte[0], caller, requestIdHeader, within).build(), new HostInfo(uri.getHost(), uri.getPort()));
    }

    /** A call of {@code method} with {@code body} (empty for none), with the caller's assertion bound to exactly this call. */
    private HttpRequest.Builder request(URI uri, String method, byte[] body, Principal caller, String requestIdHeader, Duration within) {
        String assertion = gate.assertionFor(caller, method, InstanceCalls.pathAndQuery(uri.getRawPath(), uri.getRawQuery()), body);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(within)
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header(FORWARDED_HEADER, "true")
                .header(InstanceCalls.HEADER, assertion)
                .header("Accept", "application/json");
        if (requestIdHeader != null) {
            request.header("X-Request-Id", requestIdHeader);
        }
        return request;
    }

    private CompletableFuture<HttpResponse<String>> send(HttpRequest request, HostInfo owner) {
        return http.sendAsync(request, info -> BoundedBody.of(MAX_ANSWER_BYTES))
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    LOG.warn("the gateway instance {}:{} that owns the data did not answer: {}", owner.host(), owner.port(),
                            cause.toString());
                    throw new RetryLaterException("the gateway instance that owns the data did not answer", RequestStore.RETRY_AFTER,
                            cause);
                });
    }

    private static <T> T parse(HttpResponse<String> response, HostInfo owner, TypeReference<T> type) {
        if (response.statusCode() == 200) {
            try {
                return Json.MAPPER.readValue(response.body(), type);
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable answer from gateway instance " + owner.host() + ":" + owner.port(), e);
            }
        }
        LOG.warn("the gateway instance {}:{} that owns the data answered {}", owner.host(), owner.port(), response.statusCode());
        throw new RetryLaterException("the gateway instance that owns the data answered " + response.statusCode(),
                RequestStore.RETRY_AFTER);
    }

    private static URI uri(HostInfo host, String path, Map<String, String> query) {
        String q = query.entrySet().stream().map(e -> e.getKey() + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        return URI.create("http://" + host.host() + ":" + host.port() + path + (q.isEmpty() ? "" : "?" + q));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
