package io.capmarket.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** Real HTTP calls to a gateway, for tests. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final String base;

    Api(int port) {
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
    }

    record Response(int status, java.net.http.HttpHeaders headers, String text) {
        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + text, e);
            }
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        String contentType() {
            return header("Content-Type").orElse("");
        }
    }

    Response get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    /** The request at {@code location} once {@code condition} holds of it, read every 100 ms for at most {@code wait}. */
    JsonNode until(String location, String token, Duration wait, java.util.function.Predicate<JsonNode> condition) {
        JsonNode[] seen = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(wait).pollInterval(Duration.ofMillis(100)).until(() -> {
            seen[0] = get(location, token).json();
            return condition.test(seen[0]);
        });
        return seen[0];
    }

    /** The states of a request's history, oldest first. */
    static List<String> states(JsonNode request) {
        List<String> states = new java.util.ArrayList<>();
        request.get("history").forEach(t -> states.add(t.get("state").asText()));
        return states;
    }

    CompletableFuture<Response> getAsync(String path, String token) {
        return http.sendAsync(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.headers(), r.body()));
    }

    CompletableFuture<Response> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> new Response(r.statusCode(), r.headers(), r.body()));
    }

    Response delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    /** A JSON merge patch (RFC 7396) of the resource at {@code path}. */
    Response patch(String path, String token, String body) {
        return send(request(path, token).method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/merge-patch+json").build());
    }

    Response post(String path, String token, String body, String... headers) {
        HttpRequest.Builder request = request(path, token).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** A PUT of a JSON body. */
    Response put(String path, String token, String body) {
        return send(request(path, token).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (Exception e) {
            throw new AssertionError("HTTP call " + request.method() + " " + request.uri() + " failed", e);
        }
    }

    /** Like {@link #send}, but an event stream's body is not waited for: the stream is closed once its head has arrived. */
    Response exchange(HttpRequest request) {
        try {
            HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = response.body()) {
                boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                return new Response(response.statusCode(), response.headers(),
                        stream ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (Exception e) {
            throw new AssertionError("HTTP call " + request.method() + " " + request.uri() + " failed", e);
        }
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /**
     * Exactly these bytes over a new socket, for what {@code java.net.http} refuses to send (CR or LF
     * in a header, bytes that are not UTF-8 in the request line). The request should ask for
     * {@code Connection: close}: the answer is read to the end of the stream.
     */
    Response raw(byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new AssertionError("raw HTTP call failed: " + new String(request, 0, Math.min(request.length, 200),
                    StandardCharsets.ISO_8859_1), e);
        }
    }

    /**
     * A request whose head is sent at once and whose body then trickles in, one byte per
     * {@code pause}, until the answer arrives or the gateway closes the connection: a slow client.
     */
    Response trickle(byte[] head, byte[] body, Duration pause) {
        java.util.concurrent.ScheduledExecutorService writer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            writer.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i >= body.length) {
                    throw new IllegalStateException("all sent");
                }
                try {
                    out.write(body[i]);
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException("the gateway closed the connection", e);
                }
            }, pause.toMillis(), pause.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new AssertionError("slow HTTP call failed", e);
        } finally {
            writer.shutdownNow();
        }
    }

    /** One response: the head, then a body of its Content-Length, its chunks, or up to the end of the stream. */
    private static Response read(InputStream in) throws IOException {
        String head = line(in);
        if (!head.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + head);
        }
        int status = Integer.parseInt(head.split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.getOrDefault("Transfer-Encoding", List.of()).contains("chunked")) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                chunks.write(in.readNBytes(size));
                line(in);
            }
            body = chunks.toByteArray();
        } else if (headers.containsKey("Content-Length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("Content-Length").get(0)));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, java.net.http.HttpHeaders.of(headers, (name, value) -> true), new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection closed in the middle of a line: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** An event stream: the lines as they arrive. */
    CompletableFuture<HttpResponse<Stream<String>>> events(String path, String token, String... headers) {
        HttpRequest.Builder request = request(path, token).header("Accept", "text/event-stream").GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
    }
}
