package io.capmarket.client;

import static io.capmarket.client.LocalGateway.events;
import static io.capmarket.client.LocalGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server-Sent Events from a real HTTP server: framing, resuming with Last-Event-ID after a drop, giving up. */
class EventStreamTest {

    private static final String SUBMITTED = Fixtures.request("alpha.1", "SUBMITTED", "SUBMITTED");
    private static final String MATCHED = Fixtures.request("alpha.1", "MATCHED", "SUBMITTED", "MATCHED");
    private static final String FULFILLED = Fixtures.request("alpha.1", "FULFILLED", "SUBMITTED", "MATCHED", "FULFILLED");

    private final LocalGateway gateway;
    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T18:00:00Z"));
    private final List<RequestEvent> events = new CopyOnWriteArrayList<>();

    EventStreamTest() throws IOException {
        gateway = new LocalGateway();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aDroppedStreamIsResumedAfterTheLastEventDelivered() {
        gateway.then(events(": keep-alive\n\n" + Fixtures.transition(1, "SUBMITTED", SUBMITTED)
                        + Fixtures.transition(2, "MATCHED", MATCHED)))
                .then(json(503, Fixtures.problem("/problems/retry-later", "owner unavailable"), "Retry-After", "1"))
                .then(events(Fixtures.transition(2, "MATCHED", MATCHED) + Fixtures.transition(3, "FULFILLED", FULFILLED)
                        + Fixtures.end(3, FULFILLED)));

        client().events("alpha.1", events::add);

        assertThat(events).extracting(e -> e.name() + ":" + e.index() + ":" + e.requestState())
                .containsExactly("transition:1:SUBMITTED", "transition:2:MATCHED", "transition:3:FULFILLED", "end:3:FULFILLED");
        assertThat(events.get(3).end()).isTrue();
        assertThat(events.get(3).request().outputs()).isEmpty();
        assertThat(gateway.seen()).extracting(seen -> seen.header("Last-Event-ID")).containsExactly(null, "2", "2");
        assertThat(gateway.seen()).extracting(LocalGateway.Seen::uri).containsOnly("/capmarket/v1/requests/alpha.1/events");
        assertThat(gateway.seen()).extracting(seen -> seen.header("Accept")).containsOnly("text/event-stream");
        assertThat(clock.sleeps()).hasSize(2);
    }

    @Test
    void aQuietStreamThatDropsAfterStayingOpenIsOpenedAgainAsIfNew() {
        LocalGateway.Answer quietForAMinute = exchange -> {
            clock.advance(Duration.ofSeconds(70));
            events(": keep-alive\n\n").answer(exchange);
        };
        gateway.then(events("id: 2\nevent: snapshot\ndata: " + MATCHED + "\n\n")).then(quietForAMinute).then(quietForAMinute)
                .then(events(Fixtures.end(2, MATCHED)));

        client().events("alpha.1", 2, events::add);

        assertThat(events).extracting(RequestEvent::name).containsExactly("end");
        assertThat(gateway.seen()).hasSize(4);
    }

    @Test
    void aStreamThatFallsSilentIsTakenForDroppedAndOpenedAgain() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        LocalGateway.Answer snapshotThenSilence = exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write(("id: 2\nevent: snapshot\ndata: " + MATCHED + "\n\n").getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            try {
                released.await(30, TimeUnit.SECONDS); // a connection that stays open and says nothing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        gateway.then(snapshotThenSilence).then(events(Fixtures.transition(3, "FULFILLED", FULFILLED) + Fixtures.end(3, FULFILLED)));
        try {
            CapmarketClient client = CapmarketClient.builder().baseUrl(gateway.url("/capmarket")).token("bot-token")
                    .retryPolicy(RetryPolicy.custom().maxAttempts(3).build()).clock(clock).sleeper(clock.sleeper())
                    .streamSilence(Duration.ofMillis(300)).build();

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> client.events("alpha.1", 2, events::add));
        } finally {
            released.countDown();
        }

        assertThat(events).extracting(e -> e.name() + ":" + e.index()).containsExactly("transition:3", "end:3");
        assertThat(gateway.seen()).extracting(seen -> seen.header("Last-Event-ID")).containsExactly(null, "2");
    }

    @Test
    void aStreamCanStartAfterAPositionSeenBefore() {
        gateway.then(events("event: transition\nid: 3\ndata: {\"index\":3,\"state\":\"FULFILLED\",\n"
                + "data: \"request\":" + FULFILLED + "}\n\n" + Fixtures.end(3, FULFILLED)));

        client().events("alpha.1", 2, events::add);

        assertThat(gateway.seen().get(0).header("Last-Event-ID")).as("the first connection asks for the snapshot").isNull();
        assertThat(events).extracting(RequestEvent::name, RequestEvent::index).containsExactly(
                org.assertj.core.groups.Tuple.tuple("transition", 3), org.assertj.core.groups.Tuple.tuple("end", 3));
    }

    @Test
    void aSnapshotThenDeltasGiveTheListenerTheWholeRequestAtEachTransition() {
        gateway.then(events("id: 2\nevent: snapshot\ndata: " + MATCHED + "\n\n"
                        + "id: 3\nevent: transition\ndata: {\"index\":3,\"state\":\"FULFILLED\",\"at\":\"2026-12-02T18:00:03Z\","
                        + "\"changes\":{\"state\":\"FULFILLED\",\"outputs\":{\"host\":\"db.internal\"}}}\n\n"))
                .then(events("id: 3\nevent: transition\ndata: {\"index\":3,\"state\":\"FULFILLED\",\"changes\":{}}\n\n"
                        + Fixtures.end(3, FULFILLED)));

        client().events("alpha.1", 1, events::add);

        assertThat(events).extracting(e -> e.name() + ":" + e.index() + ":" + e.requestState())
                .as("the snapshot's entries after the position resumed from, then the delta, then the end")
                .containsExactly("transition:2:MATCHED", "transition:3:FULFILLED", "end:3:FULFILLED");
        assertThat(events.get(0).request().state()).isEqualTo("MATCHED");
        assertThat(events.get(1).request().state()).isEqualTo("FULFILLED");
        assertThat(events.get(1).request().outputs()).containsEntry("host", "db.internal");
        assertThat(events.get(1).request().history()).containsExactly("SUBMITTED", "MATCHED", "FULFILLED");
        assertThat(events.get(1).request().id()).as("unchanged fields kept from the snapshot").isEqualTo("alpha.1");
        assertThat(gateway.seen()).extracting(seen -> seen.header("Last-Event-ID")).containsExactly(null, "3");
    }

    @Test
    void aStreamThatKeepsDroppingWithoutNewsGivesUpNamingTheStream() {
        gateway.then(3, events(": keep-alive\n\n"));

        assertThatThrownBy(() -> client().events("alpha.1", events::add))
                .isInstanceOfSatisfying(CapmarketException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("GET " + gateway.url("/capmarket/v1/requests/alpha.1/events")
                            + " (gave up after 3 tries: at most 3 tries): the event stream ended before the request finished after event 0");
                    assertThat(e.type()).isEqualTo("/problems/stream-dropped");
                });
        assertThat(gateway.seen()).hasSize(3);
        assertThat(events).isEmpty();
    }

    @Test
    void anErrorEventOrAnUnknownRequestEndsTheStreamAtOnce() {
        gateway.then(events(Fixtures.transition(1, "SUBMITTED", SUBMITTED) + "event: error\ndata: request alpha.1 is gone\n\n"))
                .then(json(404, Fixtures.problem("/problems/not-found", "there is no request alpha.2")));

        assertThatThrownBy(() -> client().events("alpha.1", events::add))
                .hasMessageEndingWith("the gateway ended the event stream: request alpha.1 is gone");
        assertThatThrownBy(() -> client().events("alpha.2", events::add)).isInstanceOfSatisfying(CapmarketException.class,
                e -> assertThat(e.status()).isEqualTo(404));
        assertThat(events).hasSize(1);
        assertThat(gateway.seen()).hasSize(2);
    }

    @Test
    void linesMayEndInCarriageReturnsAndAnOversizedEventIsRefused() {
        gateway.then(events(Fixtures.transition(1, "SUBMITTED", SUBMITTED).replace("\n", "\r\n")
                        + Fixtures.end(1, SUBMITTED).replace("\n", "\r")))
                .then(events("event: transition\ndata: " + "x".repeat(EventStream.MAX_EVENT_CHARS + 1) + "\n\n"));

        client().events("alpha.1", events::add);
        assertThatThrownBy(() -> client().events("alpha.1", events::add))
                .hasMessageEndingWith("an event of the stream is larger than 4194304 characters");

        assertThat(events).extracting(RequestEvent::name).containsExactly("transition", "end");
        assertThat(gateway.seen()).hasSize(2);
    }

    private CapmarketClient client() {
        return CapmarketClient.builder().baseUrl(gateway.url("/capmarket")).token("bot-token")
                .retryPolicy(RetryPolicy.custom().maxAttempts(3).build()).clock(clock).sleeper(clock.sleeper()).build();
    }
}
