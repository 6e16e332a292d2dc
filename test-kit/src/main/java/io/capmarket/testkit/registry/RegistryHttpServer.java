package io.capmarket.testkit.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP plumbing: binds 127.0.0.1, checks basic auth and the content type, finds the route,
 * and renders every answer as JSON and every failure as {@code {"error_code","message"}}.
 */
final class RegistryHttpServer implements AutoCloseable {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** The largest request body read: a schema is a few kilobytes; the JVM serving it holds the broker too. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ACCEPTED_TYPES = Set.of(CONTENT_TYPE, "application/vnd.schemaregistry+json",
            "application/json", "application/octet-stream");

    private final List<Route> routes;
    private final byte[] expectedAuthorization;
    private final byte[] readOnlyAuthorization;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger threads = new AtomicInteger();

    /**
     * Binds the server and starts serving.
     *
     * @param credentials {@code user:password}, or {@code null} for no authentication
     * @param readOnlyCredentials {@code user:password} of a user who may only read, or {@code null}
     */
    RegistryHttpServer(String host, int port, List<Route> routes, String credentials, String readOnlyCredentials)
            throws IOException {
        this.routes = List.copyOf(routes);
        this.expectedAuthorization = authorization(credentials);
        this.readOnlyAuthorization = authorization(readOnlyCredentials);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        this.executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    RegistryHttpServer(String host, int port, List<Route> routes, String credentials) throws IOException {
        this(host, port, routes, credentials, null);
    }

    private static byte[] authorization(String credentials) {
        return credentials == null ? null
                : ("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        ApiResponse response;
        try {
            response = dispatch(exchange);
        } catch (RegistryException e) {
            response = error(e.httpStatus(), e.errorCode(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            response = error(500, 50001, "Internal error: " + e);
        }
        byte[] body = response.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        if (response.status() == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"schema-registry\"");
        }
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private ApiResponse dispatch(HttpExchange exchange) throws IOException {
        Access access = access(exchange);
        if (access == Access.NONE) {
            return error(401, 401, "Unauthorized: the request needs valid HTTP basic credentials");
        }
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                return error(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes; a schema is far smaller");
            }
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!body.isEmpty() && contentType != null && !ACCEPTED_TYPES.contains(mediaType(contentType))) {
            return error(415, 415, "Unsupported Content-Type '" + contentType + "'; send " + CONTENT_TYPE
                    + " or application/json");
        }
        List<String> path = Route.segments(exchange.getRequestURI().getRawPath()).stream()
                // In a path '+' is a plus sign, not an encoded space.
                .map(segment -> URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8))
                .toList();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        boolean pathKnown = false;
        for (Route route : routes) {
            Optional<Map<String, String>> parameters = route.match(path);
            if (parameters.isPresent()) {
                pathKnown = true;
                if (route.method().equals(method)) {
                    if (access == Access.READ && !reads(method, route)) {
                        return error(403, 40301, "User is denied operation " + method + " on "
                                + exchange.getRequestURI().getPath() + ": this user may only read");
                    }
                    return route.handler().handle(new ApiRequest(parameters.get(),
                            query(exchange.getRequestURI().getRawQuery()), body));
                }
            }
        }
        if (pathKnown) {
            return error(405, 405, "Method " + method + " not allowed on " + exchange.getRequestURI().getPath());
        }
        return error(404, 404, "HTTP 404 Not Found: no route for " + method + " " + exchange.getRequestURI().getPath());
    }

    /** What the caller may do: everything, only read, or nothing. */
    private enum Access { FULL, READ, NONE }

    private Access access(HttpExchange exchange) {
        if (expectedAuthorization == null) {
            return Access.FULL;
        }
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        if (given == null) {
            return Access.NONE;
        }
        byte[] bytes = given.getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expectedAuthorization, bytes)) {
            return Access.FULL;
        }
        return readOnlyAuthorization != null && MessageDigest.isEqual(readOnlyAuthorization, bytes) ? Access.READ : Access.NONE;
    }

    /**
     * Whether a route only reads: every GET, and the two POSTs that look up without changing
     * anything (a schema's registration under a subject, {@code POST /subjects/{subject}}, and a
     * compatibility test, {@code POST /compatibility/...}).
     */
    private static boolean reads(String method, Route route) {
        if (method.equals("GET")) {
            return true;
        }
        List<String> template = route.template();
        return method.equals("POST") && ((template.size() == 2 && template.get(0).equals("subjects"))
                || (!template.isEmpty() && template.get(0).equals("compatibility")));
    }

    private static String mediaType(String contentType) {
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            query.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return query;
    }

    private static ApiResponse error(int status, int errorCode, String message) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("error_code", errorCode);
        body.put("message", message);
        try {
            return new ApiResponse(status, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot render an error as JSON", e);
        }
    }
}
