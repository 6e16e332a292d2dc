package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * One following of a request's Server-Sent Events, until its {@code end} event. The gateway sends
 * a {@code snapshot} of the request first and then each transition as a delta (the new history
 * entry and the fields that changed); the request is kept here and each delta applied, so every
 * event still hands the listener the whole request. The snapshot's history entries after the
 * position to resume from are delivered as transitions (a first connection never sends
 * {@code Last-Event-ID}, so that it gets the snapshot). A stream that breaks or ends early is
 * opened again with {@code Last-Event-ID} set to the last event delivered, so the listener sees
 * each transition once and in order; the retries start over whenever an event arrives or a
 * connection had stayed open {@link #HEALTHY_FOR}. A connection silent for longer than its bound
 * (the gateway keeps a resting request's stream alive) is taken for dropped. Not thread-safe; one
 * per call.
 */
final class EventStream {

    /**
     * How long a stream may stay silent by default: three of the gateway's keep-alive intervals
     * (it sends a comment every 15 s while a request rests).
     */
    static final Duration DEFAULT_SILENCE = Duration.ofSeconds(45);
    /** The longest wait for the stream to open (the gateway's first read). */
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);
    /** The largest event accepted. */
    static final int MAX_EVENT_CHARS = 4 << 20;
    private static final int MAX_PROBLEM_BYTES = 64 << 10;
    /**
     * How long a connection must have stayed open for its drop to start the retries over, as an
     * event does: a request may rest for hours between transitions while the gateway keeps its
     * stream alive.
     */
    static final Duration HEALTHY_FOR = Duration.ofSeconds(60);

    private final Transport transport;
    private final String relative;
    private final Consumer<RequestEvent> listener;
    private final Duration silence;
    private int lastEventId;
    private boolean afterCarriageReturn;
    /** The request as the events so far describe it; null before the first snapshot. */
    private ObjectNode current;
    /** When the current connection was asked for (on the client's clock), once it opened; null until it has. */
    private Instant openedAt;

    /**
     * @param silence how long the stream may send nothing (not even the gateway's keep-alive) before
     *     it is taken for dropped and opened again
     */
    EventStream(Transport transport, String requestId, int resumeAfter, Duration silence, Consumer<RequestEvent> listener) {
        this.transport = transport;
        this.silence = silence;
        this.relative = "v1/requests/" + Transport.encode(requestId) + "/events";
        this.lastEventId = resumeAfter;
        this.listener = listener;
    }

    void run() {
        String call = "GET " + transport.uri(relative);
        Retry retry = transport.retry(call);
        while (true) {
            int before = lastEventId;
            openedAt = null;
            try {
                if (readOnce(call)) {
                    return;
                }
                throw dropped("the event stream ended before the request finished", null);
            } catch (CapmarketException failure) {
                if (lastEventId > before || healthy()) {
                    retry.reset();
                }
                retry.pause(failure);
            }
        }
    }

    /** Whether the connection that just ended had lasted {@link #HEALTHY_FOR} (a quiet request's stream, kept alive). */
    private boolean healthy() {
        return openedAt != null && !transport.clock().instant().isBefore(openedAt.plus(HEALTHY_FOR));
    }

    /** Opens the stream once and delivers its events; true after the {@code end} event. */
    private boolean readOnce(String call) {
        HttpRequest.Builder request = transport.request(relative, OPEN_TIMEOUT).setHeader("Accept", "text/event-stream").GET();
        // resume only with a request in hand to apply deltas to; else a snapshot brings the whole of it
        if (lastEventId > 0 && current != null) {
            request.header("Last-Event-ID", Integer.toString(lastEventId));
        }
        Instant asked = transport.clock().instant();
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = transport.send(request.build(), HttpResponse.BodyHandlers.ofPublisher(),
                call, OPEN_TIMEOUT);
        SilenceBoundedBody bounded = new SilenceBoundedBody(silence);
        response.body().subscribe(bounded);
        try (InputStream body = bounded) {
            if (response.statusCode() == 200) {
                openedAt = asked;
            } else {
                throw transport.problem(response.statusCode(), new String(body.readNBytes(MAX_PROBLEM_BYTES), StandardCharsets.UTF_8),
                        response.headers().firstValue("Retry-After").orElse(null));
            }
            return readEvents(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw dropped("the event stream broke", e);
        }
    }

    /** Reads events as the Server-Sent Events format frames them; true after the {@code end} event. */
    private boolean readEvents(BufferedReader reader) throws IOException {
        String event = "message";
        String id = null;
        StringBuilder data = new StringBuilder();
        boolean hasData = false;
        afterCarriageReturn = false;
        for (String line = readLine(reader); line != null; line = readLine(reader)) {
            if (line.isEmpty()) {
                if (hasData && dispatch(event, id, data.toString())) {
                    return true;
                }
                event = "message";
                data.setLength(0);
                hasData = false;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(line.startsWith(" ", colon + 1) ? colon + 2 : colon + 1);
            switch (field) {
                case "event" -> event = value;
                case "id" -> id = value;
                case "data" -> {
                    if (hasData) {
                        data.append('\n');
                    }
                    data.append(value);
                    hasData = true;
                    if (data.length() > MAX_EVENT_CHARS) {
                        throw tooLarge();
                    }
                }
                default -> {
                    // "retry" and fields of later versions of the format
                }
            }
        }
        return false;
    }

    /**
     * The next line without its end ({@code \n}, {@code \r} or {@code \r\n}); null at the end of
     * the stream, where a line not ended is dropped as the format says. Longer lines than the
     * largest event are refused.
     */
    private String readLine(BufferedReader reader) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = reader.read(); c != -1; c = reader.read()) {
            if (afterCarriageReturn) {
                afterCarriageReturn = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\n' || c == '\r') {
                afterCarriageReturn = c == '\r';
                return line.toString();
            }
            if (line.length() == MAX_EVENT_CHARS) {
                throw tooLarge();
            }
            line.append((char) c);
        }
        return null;
    }

    private static CapmarketException tooLarge() {
        return CapmarketException.notRetryable("/problems/event-too-large",
                "an event of the stream is larger than " + MAX_EVENT_CHARS + " characters");
    }

    private boolean dispatch(String event, String id, String data) {
        switch (event) {
            case "snapshot" -> {
                JsonNode json = Transport.parse(data);
                current = json instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
                Request request = Request.from(current);
                JsonNode history = current.path("history");
                for (int i = lastEventId; i < history.size(); i++) {
                    listener.accept(new RequestEvent("transition", i + 1, history.get(i).path("state").asText(), request));
                }
                lastEventId = Math.max(lastEventId, history.size());
                return false;
            }
            case "transition" -> {
                JsonNode json = Transport.parse(data);
                int index = json.path("index").asInt();
                int position = position(id, index);
                if (position <= lastEventId) {
                    return false; // delivered already, and its delta applied
                }
                // a gateway of an earlier version sends the whole request with every transition
                current = json.path("request") instanceof ObjectNode whole ? whole : apply(json);
                listener.accept(new RequestEvent(event, index, json.path("state").asText(), Request.from(current)));
                lastEventId = position;
                return false;
            }
            case "end" -> {
                Request last = Request.from(Transport.parse(data));
                listener.accept(new RequestEvent(event, last.history().size(), last.state(), last));
                return true;
            }
            case "error" -> throw CapmarketException.notRetryable("/problems/stream-ended", "the gateway ended the event stream: " + data);
            default -> {
                return false;
            }
        }
    }

    /** Applies a transition's delta to the request in hand: its history entry appended, its changed fields set. */
    private ObjectNode apply(JsonNode transition) {
        if (current == null) {
            current = JsonNodeFactory.instance.objectNode();
        }
        ArrayNode history = current.get("history") instanceof ArrayNode list ? list : current.putArray("history");
        ObjectNode entry = history.addObject();
        for (String field : List.of("state", "at", "detail", "attempt", "offerId")) {
            entry.set(field, transition.get(field));
        }
        transition.path("changes").fields().forEachRemaining(change -> current.set(change.getKey(), change.getValue()));
        return current;
    }

    private static int position(String id, int index) {
        try {
            return id == null ? index : Integer.parseInt(id.trim());
        } catch (NumberFormatException e) {
            return index;
        }
    }

    private CapmarketException dropped(String what, IOException cause) {
        return new CapmarketException(0, "/problems/stream-dropped", what + " after event " + lastEventId
                + (cause == null ? "" : ": " + cause), List.of(), cause);
    }
}
