package io.capmarket.topology.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoints, on the JDK's HTTP server:
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format;</li>
 *   <li>{@code GET /health/live}: 200, or 503 when Kafka Streams failed;</li>
 *   <li>{@code GET /health/ready}: 200 only when Kafka Streams is RUNNING, else 503.</li>
 * </ul>
 * Health answers are JSON: {@code {"status":"UP","state":"RUNNING"}}.
 */
final class OpsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static OpsHttpServer start(String host, int port, PrometheusMeterRegistry registry, StreamsHealth health) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on http.host " + host + ", http.port " + port + ": " + e.getMessage(), e);
        }
        Map<String, Route> routes = new LinkedHashMap<>();
        routes.put("/metrics", exchange -> send(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
        routes.put("/health/live", exchange -> health(exchange, health.live(), health));
        routes.put("/health/ready", exchange -> health(exchange, health.ready(), health));
        routes.forEach((path, route) -> server.createContext(path, exchange -> handle(exchange, path, route)));
        server.createContext("/", exchange -> handle(exchange, "/", e -> send(e, 404, "application/json",
                JSON.writeValueAsString(Map.of("error", "not found", "paths", routes.keySet())))));
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "capmarket-ops-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new OpsHttpServer(server, executor);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, String path, Route route) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path) && !path.equals("/")) {
                send(exchange, 404, "application/json", "{\"error\":\"not found\"}");
            } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                send(exchange, 405, "application/json", "{\"error\":\"method not allowed\"}");
            } else {
                route.handle(exchange);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        }
    }

    private static void health(HttpExchange exchange, boolean up, StreamsHealth health) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("state", health.state().name());
        send(exchange, up ? 200 : 503, "application/json", JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @FunctionalInterface
    private interface Route {
        void handle(HttpExchange exchange) throws IOException;
    }
}
