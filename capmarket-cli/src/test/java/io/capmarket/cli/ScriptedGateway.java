package io.capmarket.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP server that answers as the gateway would, with scripted answers in order, and
 * records each call as {@code METHOD PATH?QUERY BODY}; unscripted calls get a 500.
 */
final class ScriptedGateway implements AutoCloseable {

    private final Queue<String[]> answers = new ConcurrentLinkedQueue<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    ScriptedGateway() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** The server's base URL. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers the next call (after those scripted before) with {@code status} and {@code body}. */
    void answer(int status, String body) {
        answers.add(new String[] {Integer.toString(status), body});
    }

    /** The calls received, oldest first. */
    List<String> seen() {
        return seen;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()) + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String[] answer = answers.poll();
            int status = answer == null ? 500 : Integer.parseInt(answer[0]);
            byte[] body = (answer == null ? "{\"detail\":\"no answer scripted\"}" : answer[1]).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", status / 100 == 2 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
