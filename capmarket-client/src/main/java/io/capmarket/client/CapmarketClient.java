package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A client of the capmarket consumer gateway, for bots and scripts: browse the catalog and the
 * scorecard, submit with idempotency, list, wait for a state, follow a request's events, read
 * why it was matched where it was ({@link #decisions(String)}), cancel, and, for approvers,
 * decide the requests that wait for their approval.
 *
 * <pre>{@code
 * CapmarketClient client = CapmarketClient.builder()
 *         .baseUrl("https://tools.example.com/capmarket/")
 *         .token(System.getenv("CAPMARKET_TOKEN"))
 *         .build();
 * Request request = client.submit(Submission.of("postgres-database", 1)
 *         .withParameter("sizeGb", 20).withConstraint("region", "eu-west")
 *         .withIdempotencyKey("deploy-1234-db"));
 * Request done = client.await(request.id(), RequestState.FULFILLED, Duration.ofMinutes(15));
 * }</pre>
 *
 * <p>Share one instance: it is immutable and thread-safe, and holds one {@link HttpClient}.
 * {@link #newBuilder()} derives a client with, say, another token. The base URL's path is kept:
 * with {@code https://host/capmarket/} the requests go to {@code https://host/capmarket/v1/...}.
 *
 * <p>Calls that may succeed later (429, 502, 503, 504, no answer, a dropped event stream) are
 * retried under the {@link RetryPolicy}: after the {@code Retry-After} the gateway asked for (in
 * seconds or as a date), with jitter, within a bounded number of tries and a bounded time. A
 * submission is always sent with an idempotency key, so a retry never creates a second
 * request. Every wait and pause is measured on the builder's {@link Clock} and taken by its
 * {@link Sleeper}. Problems are thrown as {@link CapmarketException}s naming the call that failed.
 */
public final class CapmarketClient {

    /** How long calls are retried by default (the {@link RetryPolicy#DEFAULT_MAX_ELAPSED}). */
    public static final Duration DEFAULT_RETRY_FOR = RetryPolicy.DEFAULT_MAX_ELAPSED;
    /**
     * The longest single long-poll; longer waits are several. Within any gateway's
     * {@code long-poll.max-timeout} of 20s or more (the default is 60s).
     */
    public static final Duration LONG_POLL = Duration.ofSeconds(20);
    /**
     * Lists read in full ({@link #capabilities()}, {@link #catalog()}, {@link #scorecard()},
     * {@link #approvals()}) stop with an error past this many pages.
     */
    public static final int MAX_PAGES = 1000;

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** The states a request a cancel was asked for ends up in, as far as the caller can tell. */
    private static final Set<RequestState> ENDING = EnumSet.of(RequestState.CANCELLED, RequestState.DEPROVISIONING,
            RequestState.DEPROVISIONED);
    private static final int PAGE = RequestQuery.MAX_LIMIT;

    private final Builder settings;
    private final Transport transport;

    private CapmarketClient(Builder builder) {
        this.settings = builder.copy();
        HttpClient http = builder.http != null ? builder.http
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
        this.settings.http = http;
        this.transport = new Transport(builder.baseUrl, builder.token, http, builder.retryPolicy, builder.clock, builder.sleeper);
    }

    /** A builder with the defaults; {@link Builder#baseUrl(String)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this client's settings (sharing its HttpClient). */
    public Builder newBuilder() {
        return settings.copy();
    }

    /** Every catalog entry (all pages), as the gateway's JSON. */
    public List<JsonNode> capabilities() {
        return everyPage("v1/capabilities?limit=" + PAGE, Function.identity());
    }

    /** Every catalog entry (all pages), typed. */
    public List<Capability> catalog() {
        return everyPage("v1/capabilities?limit=" + PAGE, Capability::from);
    }

    /** One capability with its versions, parameter schemas and offers, as the gateway's JSON. */
    public JsonNode capability(String name) {
        return transport.call("GET", "v1/capabilities/" + Transport.encode(name), null, null, CALL_TIMEOUT);
    }

    /** One capability with its versions, parameter schemas and offers, typed. */
    public Capability describe(String name) {
        return Capability.from(capability(name));
    }

    /** Every capability's scorecard (all pages). */
    public List<Score> scorecard() {
        return everyPage("v1/scorecard?limit=" + PAGE, Score::from);
    }

    /** The scorecard of {@code capability}, if it has one yet. */
    public Optional<Score> scorecard(String capability) {
        Objects.requireNonNull(capability, "capability");
        JsonNode page = transport.call("GET", "v1/scorecard?limit=1&capability=" + Transport.encode(capability), null, null,
                CALL_TIMEOUT);
        List<Score> scores = new ArrayList<>();
        page.path("items").forEach(item -> scores.add(Score.from(item)));
        return scores.stream().filter(score -> score.capability().equals(capability)).findFirst();
    }

    /** Submits, or returns the request the submission's idempotency key already names. */
    public Request submit(Submission submission) {
        Objects.requireNonNull(submission, "submission");
        return Request.from(transport.call("POST", "v1/requests", submission.body(), submission.idempotencyKey(), Duration.ofSeconds(60)));
    }

    /** The request now. */
    public Request get(String requestId) {
        return Request.from(transport.call("GET", "v1/requests/" + Transport.encode(requestId), null, null, CALL_TIMEOUT));
    }

    /**
     * Why the request went where it did, or why it waits: its latest matching decisions, oldest
     * first, each with every offer considered, the rule that ruled each one out, and each
     * candidate's score per factor with the weights. Read by whoever may read the request; empty
     * for a request not matched yet.
     *
     * @throws CapmarketException not retryable: 404 the request is unknown, 403 the caller may not read it
     */
    public RequestDecisions decisions(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        return RequestDecisions.from(transport.call("GET", "v1/requests/" + Transport.encode(requestId) + "/decision", null, null,
                CALL_TIMEOUT));
    }

    /** One page of the caller's requests (an admin's: every team's), filtered and sorted as {@code query} says. */
    public Page<Request> requests(RequestQuery query) {
        Objects.requireNonNull(query, "query");
        return requestPage(transport.call("GET", query.relative(), null, null, CALL_TIMEOUT));
    }

    /**
     * Waits (by long-polls, no busy loop) until the request is in {@code state} or has passed
     * through it, or is finished ({@link Request#ends}), or {@code timeout} passed on the client's
     * clock; returns the request as it then is.
     */
    public Request await(String requestId, RequestState state, Duration timeout) {
        if (state == null || state == RequestState.UNKNOWN) {
            throw new IllegalArgumentException("state must be a state the gateway knows, but was " + state);
        }
        return await(requestId, state.name(), timeout);
    }

    /**
     * Waits (by long-polls, no busy loop) until the request is in the state named {@code state}
     * or has passed through it, or is finished ({@link Request#ends}), or {@code timeout} passed
     * on the client's clock; returns the request as it then is.
     */
    public Request await(String requestId, String state, Duration timeout) {
        Clock clock = transport.clock();
        Instant deadline = clock.instant().plus(Objects.requireNonNull(timeout, "timeout"));
        while (true) {
            Duration left = Duration.between(clock.instant(), deadline);
            Duration wait = left.compareTo(LONG_POLL) < 0 ? left : LONG_POLL;
            if (wait.isNegative() || wait.isZero()) {
                return get(requestId);
            }
            Request request = Request.from(transport.call("GET", "v1/requests/" + Transport.encode(requestId) + "?waitFor="
                    + Transport.encode(state) + "&timeout=" + Math.max(1, wait.toMillis()) + "ms", null, null, wait.plus(CALL_TIMEOUT)));
            if (request.ends(state) || !clock.instant().isBefore(deadline)) {
                return request;
            }
        }
    }

    /**
     * Streams a request's events to {@code listener}: its history, then each transition as it
     * happens; returns after the {@code end} event, which comes once the request is at rest:
     * finished, or FULFILLED with no update or deprovision going on (a live resource, whose
     * later changes another call follows). A dropped
     * stream is resumed where it broke ({@code Last-Event-ID}), so each transition comes once.
     */
    public void events(String requestId, Consumer<RequestEvent> listener) {
        events(requestId, 0, listener);
    }

    /**
     * Like {@link #events(String, Consumer)}, from the transition after {@code lastEventId}
     * (a {@link RequestEvent#index()} seen before, say by a bot before it restarted; 0 for all).
     */
    public void events(String requestId, int lastEventId, Consumer<RequestEvent> listener) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(listener, "listener");
        if (lastEventId < 0) {
            throw new IllegalArgumentException("lastEventId must be 0 or an event's index, but was " + lastEventId);
        }
        new EventStream(transport, requestId, lastEventId, settings.streamSilence, listener).run();
    }

    /**
     * Asks to end the request: an unfinished one is cancelled, a live one (FULFILLED or UPDATING)
     * deprovisioned by its producer; returns the request as it was when this was accepted. When a
     * try got no answer or a {@code 503} (the gateway may still have written it) and the retry is
     * refused as a conflict, the request is read: if it is ending or ended (CANCELLED,
     * DEPROVISIONING, DEPROVISIONED), that is returned, since the first try did what was asked.
     */
    public Request cancel(String requestId) {
        try {
            return Request.from(transport.call("DELETE", "v1/requests/" + Transport.encode(requestId), null, null, CALL_TIMEOUT));
        } catch (CapmarketException refused) {
            if (refused.status() == 409 && refused.attempts() > 1) {
                Request now = get(requestId);
                if (ENDING.contains(now.requestState())) {
                    return now;
                }
            }
            throw refused;
        }
    }

    /**
     * Asks the producer holding a FULFILLED request's resource to change it: {@code patch} is a
     * JSON merge patch (RFC 7396) of its parameters (a value replaces the parameter of its name, a
     * null value removes it), checked against the capability's schema and the parameters its offer
     * declares updatable. Returns the request as it was when the update was accepted (UPDATING
     * follows, then FULFILLED with the new parameters, or with the old ones and the failure as its
     * reason); when the patch changes nothing, the request as it is.
     */
    public Request update(String requestId, Map<String, Object> patch) {
        Objects.requireNonNull(patch, "patch");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("parameters", patch);
        return Request.from(transport.call("PATCH", "v1/requests/" + Transport.encode(requestId), body, null, CALL_TIMEOUT));
    }

    /**
     * Moves a live resource's expiry (its ttl, or its offer's {@code maxTtlMs}) to {@code expiresAt}:
     * in the future, and within the offer's bound from the fulfilment. The producer is not
     * involved. Returns the request as it was when the change was accepted.
     */
    public Request expireAt(String requestId, Instant expiresAt) {
        Objects.requireNonNull(expiresAt, "expiresAt");
        return Request.from(transport.call("PATCH", "v1/requests/" + Transport.encode(requestId),
                Map.of("expiresAt", expiresAt.toString()), null, CALL_TIMEOUT));
    }

    /**
     * The caller's approval inbox, every page of it, oldest first: the requests in PENDING_APPROVAL
     * with an open approval the caller may give (one that names the caller's role, say
     * {@code role:approver}, or team, {@code team:platform}). Decide each with
     * {@link #approve(String, String)} or {@link #reject(String, String)}.
     */
    public List<Request> approvals() {
        return everyPage("v1/approvals?limit=" + PAGE, Request::from);
    }

    /**
     * One page of the caller's approval inbox ({@link #approvals()}): at most {@code limit}
     * requests, from 1 to {@value RequestQuery#MAX_LIMIT}, after {@code cursor}, the
     * {@link Page#next()} of the page before (null for the first page).
     */
    public Page<Request> approvals(int limit, String cursor) {
        RequestQuery.checkPage(limit, cursor);
        String relative = "v1/approvals?limit=" + limit + (cursor == null ? "" : "&cursor=" + Transport.encode(cursor));
        return requestPage(transport.call("GET", relative, null, null, CALL_TIMEOUT));
    }

    /**
     * Approves a request in PENDING_APPROVAL: gives every one of its open approvals that names the
     * caller's role or team. The decision is taken asynchronously, like a cancel: the request is
     * matched once every approval it waits for is given. Returns the request as it was when the
     * decision was accepted (still PENDING_APPROVAL).
     *
     * @param requestId the request
     * @param reason why, kept with the decision; null for none, else not blank
     * @throws CapmarketException not retryable: 404 the request is unknown, 409 it is not PENDING_APPROVAL, 403 none of its
     *     open approvals names the caller, or the caller is its requester
     */
    public Request approve(String requestId, String reason) {
        if (reason != null && reason.isBlank()) {
            throw new IllegalArgumentException("reason must be null or text saying why, but was blank: '" + reason + "'");
        }
        return decide(requestId, "approve", reason);
    }

    /**
     * Rejects a request in PENDING_APPROVAL: it ends FAILED, its reason naming the caller and
     * {@code reason} ("rejected by alice (team platform, role admin): ..."). The decision is taken
     * asynchronously, like a cancel. Returns the request as it was when the decision was accepted
     * (still PENDING_APPROVAL).
     *
     * @param requestId the request
     * @param reason why, for its requester: required, not blank (checked here before any call)
     * @throws CapmarketException not retryable: 404 the request is unknown, 409 it is not PENDING_APPROVAL, 403 none of its
     *     open approvals names the caller, or the caller is its requester, 422 the gateway refused the reason (see
     *     {@link CapmarketException#errors()})
     */
    public Request reject(String requestId, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason must be text saying why the request is rejected (its requester reads it), "
                    + "but was " + (reason == null ? "null" : "blank: '" + reason + "'"));
        }
        return decide(requestId, "reject", reason);
    }

    private Request decide(String requestId, String decision, String reason) {
        Objects.requireNonNull(requestId, "requestId");
        Map<String, Object> body = reason == null ? Map.of() : Map.of("reason", reason);
        String relative = "v1/requests/" + Transport.encode(requestId) + "/" + decision;
        return Request.from(transport.call("POST", relative, body, null, CALL_TIMEOUT));
    }

    private static Page<Request> requestPage(JsonNode page) {
        List<Request> items = new ArrayList<>();
        page.path("items").forEach(item -> items.add(Request.from(item)));
        return new Page<>(items, next(page));
    }

    private <T> List<T> everyPage(String relative, Function<JsonNode, T> item) {
        List<T> all = new ArrayList<>();
        String cursor = null;
        for (int pages = 1; ; pages++) {
            JsonNode page = transport.call("GET", relative + (cursor == null ? "" : "&cursor=" + Transport.encode(cursor)), null, null,
                    CALL_TIMEOUT);
            page.path("items").forEach(json -> all.add(item.apply(json)));
            String previous = cursor;
            cursor = next(page);
            if (cursor == null) {
                return all;
            }
            if (cursor.equals(previous)) {
                throw CapmarketException.notRetryable("/problems/repeated-cursor", "GET " + transport.uri(relative)
                        + ": the page after cursor '" + cursor + "' names the same cursor as its next");
            }
            if (pages == MAX_PAGES) {
                throw CapmarketException.notRetryable("/problems/too-many-pages", "GET " + transport.uri(relative)
                        + ": the list goes on past " + MAX_PAGES + " pages");
            }
        }
    }

    private static String next(JsonNode page) {
        return page.path("next").isTextual() ? page.path("next").asText() : null;
    }

    /** Configures a client. {@link #baseUrl(String)} is required; every other setting has a default. */
    public static final class Builder {
        private URI baseUrl;
        private String token;
        private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private HttpClient http;
        private Duration streamSilence = EventStream.DEFAULT_SILENCE;

        private Builder() {
        }

        /**
         * The gateway, for example {@code http://localhost:8080} or, behind a proxy,
         * {@code https://tools.example.com/capmarket} (with or without the trailing slash: the
         * path is kept in front of every route).
         */
        public Builder baseUrl(String url) {
            URI uri;
            try {
                uri = URI.create(Objects.requireNonNull(url, "baseUrl"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl must be an http(s) URL with a host, but was '" + url + "'", e);
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl must be an http(s) URL with a host and no query or fragment, but was '"
                        + url + "'");
            }
            this.baseUrl = URI.create(url.endsWith("/") ? url : url + "/");
            return this;
        }

        /** The bearer token (it names the team and role). */
        public Builder token(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("token must not be empty");
            }
            this.token = token;
            return this;
        }

        /** How long a call is retried (default 30s): the retry policy's {@link RetryPolicy#maxElapsed()}; zero retries never. */
        public Builder retryFor(Duration retryFor) {
            if (retryFor == null || retryFor.isNegative()) {
                throw new IllegalArgumentException("retryFor must be zero or more, but was " + retryFor);
            }
            this.retryPolicy = RetryPolicy.from(retryPolicy).maxElapsed(retryFor).build();
            return this;
        }

        /** How calls are retried (default {@link RetryPolicy#ofDefaults()}). */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** The clock every wait, deadline and retry budget is measured on (default the system's, UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How the client pauses between tries (default {@link Sleeper#SYSTEM}). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * How long an event stream may send nothing before it is taken for dropped and opened again
         * (default 45 s: the gateway sends a keep-alive every 15 s while a request rests). Measured
         * in real time, not on {@link #clock(Clock)}.
         */
        public Builder streamSilence(Duration silence) {
            if (silence == null || silence.isNegative() || silence.isZero()) {
                throw new IllegalArgumentException("streamSilence must be positive, but was " + silence);
            }
            this.streamSilence = silence;
            return this;
        }

        /** An HttpClient to use instead of the client's own. */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "httpClient");
            return this;
        }

        /** The client; fails when {@link #baseUrl(String)} was not set. */
        public CapmarketClient build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            return new CapmarketClient(this);
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.baseUrl = baseUrl;
            copy.token = token;
            copy.retryPolicy = retryPolicy;
            copy.clock = clock;
            copy.sleeper = sleeper;
            copy.http = http;
            copy.streamSilence = streamSilence;
            return copy;
        }
    }
}
