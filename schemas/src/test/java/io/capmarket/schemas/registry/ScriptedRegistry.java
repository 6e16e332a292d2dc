package io.capmarket.schemas.registry;

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
 * A loopback HTTP server standing in for a schema registry, or for whatever answers at a
 * registry's URL (a proxy, a wrong path): each call gets the next scripted status, headers and
 * body; an unscripted call gets a 500. Records the path of each call.
 */
public final class ScriptedRegistry implements AutoCloseable {

    private record Answer(int status, String body, String[] headers) {
    }

    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private ScriptedRegistry(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    /** A server answering on a free loopback port. */
    public static ScriptedRegistry start() {
        try {
            return new ScriptedRegistry(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port for the scripted registry", e);
        }
    }

    /** The base URL, {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers the next unanswered call with {@code status}, {@code body} and header names and values, in pairs. */
    public ScriptedRegistry answer(int status, String body, String... headers) {
        answers.add(new Answer(status, body, headers));
        return this;
    }

    /** The paths called, oldest first. */
    public List<String> paths() {
        return paths;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            paths.add(exchange.getRequestURI().getRawPath());
            Answer answer = answers.poll();
            if (answer == null) {
                answer = new Answer(500, "{\"error_code\":50001,\"message\":\"no answer scripted\"}", new String[0]);
            }
            for (int i = 0; i + 1 < answer.headers().length; i += 2) {
                exchange.getResponseHeaders().add(answer.headers()[i], answer.headers()[i + 1]);
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
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
