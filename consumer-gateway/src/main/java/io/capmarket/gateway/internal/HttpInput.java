package io.capmarket.gateway.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.AuthenticationRequiredException;
import io.capmarket.gateway.ForbiddenException;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.PayloadTooLargeException;
import io.capmarket.gateway.RequestTimeoutException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading and checking what arrives over HTTP, at the edge: every problem names the field, the value and the rule. */
public final class HttpInput {

    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String PRINCIPAL = "capmarket.principal";
    static final String REQUEST_ID = "capmarket.requestId";
    /** The trace of the call, when it began a span (a submit or a cancel): the access log names it. */
    static final String TRACE_ID = "capmarket.traceId";
    /** The body's bytes, once read ({@link #bodyBytes}). */
    private static final String BODY = "capmarket.body";

    private static final Pattern REQUEST_ID_PATTERN = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private HttpInput() {
    }

    /** The caller's request id (echoed when well-formed, generated otherwise). */
    public static String requestId(Context ctx) {
        String id = ctx.attribute(REQUEST_ID);
        if (id == null) {
            String given = ctx.header(REQUEST_ID_HEADER);
            id = given != null && REQUEST_ID_PATTERN.matcher(given).matches() ? given : newRequestId();
            ctx.attribute(REQUEST_ID, id);
        }
        return id;
    }

    /**
     * A new request id: a random (version 4) UUID from the thread's own generator. It names a call in
     * logs and answers and guards nothing, so it need not be unguessable, and a secure generator's
     * hashing cost every call more than this.
     */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong() & ~(3L << 62) | 1L << 63).toString();
    }

    /** Authenticates the bearer token; the token itself is never stored or logged. */
    public static Principal authenticate(Context ctx, Authenticator tokens) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new AuthenticationRequiredException("send Authorization: Bearer <token>",
                    List.of(new FieldError("Authorization", null, "Bearer <token>")));
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw new AuthenticationRequiredException("the Authorization header is not a bearer token",
                    List.of(new FieldError("Authorization", "(not shown)", "Bearer <token>")));
        }
        Principal principal = tokens.authenticate(header.substring(7).trim())
                .orElseThrow(() -> new AuthenticationRequiredException("the bearer token is not known",
                        List.of(new FieldError("Authorization", "(not shown)", "a token the gateway knows"))));
        ctx.attribute(PRINCIPAL, principal);
        return principal;
    }

    /** The authenticated caller, who must hold one of {@code roles}. */
    public static Principal principal(Context ctx, Principal.Role... roles) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (principal == null) {
            throw new AuthenticationRequiredException("send Authorization: Bearer <token>");
        }
        if (!Set.of(roles).contains(principal.role())) {
            throw new ForbiddenException("the role " + principal.role().name().toLowerCase(Locale.ROOT) + " may not do this; it takes "
                    + Arrays.stream(roles).map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
        }
        return principal;
    }

    /** The caller, for reads that may be forwarded. */
    public static RequestReads.Caller caller(Context ctx, Principal principal) {
        return new RequestReads.Caller(principal, requestId(ctx), "true".equals(ctx.header(Forwarder.FORWARDED_HEADER)));
    }

    /**
     * The body as one JSON value, refusing more than {@code limit} bytes even without a
     * Content-Length, bytes that are not UTF-8, a key given twice and anything after the value:
     * what the gateway accepts must mean one thing only. All of it must arrive within the
     * {@code deadline}, however the bytes trickle in.
     */
    public static JsonNode jsonBody(Context ctx, long limit, BodyDeadline deadline) {
        return body(ctx, limit, deadline, false);
    }

    /** As {@link #jsonBody}, for a route whose body may be left out: null when there is none (no bytes at all). */
    public static JsonNode optionalJsonBody(Context ctx, long limit, BodyDeadline deadline) {
        return body(ctx, limit, deadline, true);
    }

    /**
     * The body's bytes, at most {@code limit} of them even without a Content-Length, all in within
     * the {@code deadline}. The body is read once: a later call, as a handler's after the
     * {@link Gatekeeper} checked another instance's assertion against the body, is given the same bytes.
     */
    static byte[] bodyBytes(Context ctx, long limit, BodyDeadline deadline) {
        byte[] bytes = ctx.attribute(BODY);
        if (bytes == null) {
            bytes = readBody(ctx, limit, deadline);
            ctx.attribute(BODY, bytes);
        }
        if (bytes.length > limit) {
            throw tooLarge(bytes.length, limit);
        }
        return bytes;
    }

    private static byte[] readBody(Context ctx, long limit, BodyDeadline deadline) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            // what the client is still sending is read, so that its connection is not reset under the answer;
            // a client waiting for "100 Continue" has sent none of it and sends nothing once refused
            if (!"100-continue".equalsIgnoreCase(ctx.header("Expect"))) {
                try (InputStream in = ctx.req().getInputStream()) {
                    deadline.discard(in, declared, limit);
                } catch (IOException e) {
                    // the body is refused either way
                }
            }
            throw tooLarge(declared, limit);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            // one byte more than may come, so that more shows; sized by the declared length when there is
            // one, so that a small body is read into an array of its size, not into 8 KB
            return deadline.read(in, declared, (int) Math.min(Integer.MAX_VALUE - 8, (declared >= 0 ? declared : limit) + 1));
        } catch (RequestTimeoutException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedRequestException("the body could not be read as sent",
                    List.of(new FieldError("body", null, "a complete body of the declared length or chunking (" + firstLine(e.getMessage()) + ")")));
        }
    }

    private static JsonNode body(Context ctx, long limit, BodyDeadline deadline, boolean optional) {
        byte[] bytes = bodyBytes(ctx, limit, deadline);
        if (bytes.length == 0) {
            if (optional) {
                return null;
            }
            throw new MalformedRequestException("the body is empty", List.of(new FieldError("body", "", "a JSON object")));
        }
        String text = utf8(bytes);
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode node = Json.MAPPER.readTree(parser);
            if (node == null) {
                throw new MalformedRequestException("the body is empty", List.of(new FieldError("body", "", "a JSON object")));
            }
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new MalformedRequestException("the body has more after its JSON value",
                        List.of(new FieldError("body", null, "one JSON value and nothing after it (more found at line " + at.getLineNr()
                                + ", column " + at.getColumnNr() + ")")));
            }
            return node;
        } catch (IOException e) {
            throw new MalformedRequestException("the body is not JSON",
                    List.of(new FieldError("body", null, "valid JSON (" + firstLine(e.getMessage()) + ")")));
        }
    }

    private static String utf8(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, out, true);
        if (result.isError()) {
            throw new MalformedRequestException("the body is not UTF-8",
                    List.of(new FieldError("body", null, "UTF-8 text (byte " + in.position() + " starts an invalid sequence)")));
        }
        return out.flip().toString();
    }

    /** A duration query parameter ({@code 30s}, {@code 500ms}, {@code 2m}, or plain seconds) from 0 to {@code max}. */
    public static Optional<Duration> duration(Context ctx, String name, Duration max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        Duration value = null;
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            value = m.group(2) == null || m.group(2).equals("s") ? Duration.ofSeconds(amount)
                    : m.group(2).equals("ms") ? Duration.ofMillis(amount) : Duration.ofMinutes(amount);
        }
        if (value == null || value.compareTo(max) > 0) {
            throw new MalformedRequestException("the query parameter " + name + " is invalid",
                    List.of(new FieldError(name, text, "a duration like 30s or 500ms, at most " + max.toSeconds() + "s")));
        }
        return Optional.of(value);
    }

    /** An integer query parameter from {@code min} to {@code max}. */
    public static int integer(Context ctx, String name, int defaultValue, int min, int max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedRequestException("the query parameter " + name + " is invalid",
                List.of(new FieldError(name, text, "an integer from " + min + " to " + max)));
    }

    /** A query parameter that must be one of {@code allowed}, or null when absent. */
    public static String oneOf(Context ctx, String name, List<String> allowed) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (!allowed.contains(text)) {
            throw new MalformedRequestException("the query parameter " + name + " is invalid",
                    List.of(new FieldError(name, text, "one of " + String.join(", ", allowed))));
        }
        return text;
    }

    private static PayloadTooLargeException tooLarge(long size, long limit) {
        return new PayloadTooLargeException("the body has " + (size > limit ? "more than " + limit : size) + " bytes; at most "
                + limit + " are accepted", List.of(new FieldError("body", size + " bytes", "at most " + limit + " bytes")));
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
