package io.capmarket.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real HTTP server on a loopback port that gives scripted answers, in order, and records what it was asked. */
final class LocalGateway implements AutoCloseable {

    /** One request as the server received it. */
    record Seen(String method, String uri, Headers headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** One scripted answer. */
    @FunctionalInterface
    interface Answer {
        void answer(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    LocalGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        // a thread per exchange: an answer may hold its connection open while the next one is asked for
        server.setExecutor(executor);
        server.start();
    }

    /** The URL of {@code path} on this server. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers the next request (after those scripted before) with {@code answer}. */
    LocalGateway then(Answer answer) {
        answers.add(answer);
        return this;
    }

    /** Answers the next {@code times} requests with {@code answer}. */
    LocalGateway then(int times, Answer answer) {
        for (int i = 0; i < times; i++) {
            answers.add(answer);
        }
        return this;
    }

    List<Seen> seen() {
        return seen;
    }

    /** A JSON answer; {@code headers} come in name, value pairs. */
    static Answer json(int status, String body, String... headers) {
        return exchange -> {
            for (int i = 0; i < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            exchange.getResponseHeaders().add("Content-Type", status / 100 == 2 ? "application/json" : "application/problem+json");
            send(exchange, status, body);
        };
    }

    /** A Server-Sent Events answer with this body, then the connection's end. */
    static Answer events(String body) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            send(exchange, 200, body);
        };
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            Headers headers = new Headers();
            headers.putAll(exchange.getRequestHeaders());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()), headers, body));
            Answer answer = answers.poll();
            if (answer == null) {
                send(exchange, 500, "{\"type\":\"/problems/unscripted\",\"detail\":\"no answer scripted\"}");
            } else {
                answer.answer(exchange);
            }
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
