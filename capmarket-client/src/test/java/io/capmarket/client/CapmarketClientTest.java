package io.capmarket.client;

import static io.capmarket.client.LocalGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a real HTTP server: URLs under a base path, lists and pages, typed views, waits on the clock. */
class CapmarketClientTest {

    private final LocalGateway gateway = newGateway();
    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T18:00:00Z"));

    @AfterEach
    void stop() {
        gateway.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/capmarket", "/capmarket/", "/tools/capmarket/"})
    void theBaseUrlsPathStaysInFrontOfEveryRoute(String basePath) {
        CapmarketClient client = client(gateway.url(basePath));
        gateway.then(json(200, Fixtures.request("alpha.r 1", "SUBMITTED", "SUBMITTED")))
                .then(json(200, "{\"items\":[],\"next\":null}"));

        client.get("alpha.r 1");
        client.requests(RequestQuery.all());

        String prefix = basePath.endsWith("/") ? basePath : basePath + "/";
        assertThat(gateway.seen()).extracting(LocalGateway.Seen::uri)
                .containsExactly(prefix + "v1/requests/alpha.r%201", prefix + "v1/requests?limit=50&order=id");
    }

    @Test
    void aBaseUrlWithoutPathCallsTheRoot() {
        gateway.then(json(200, "{\"name\":\"postgres-database\",\"versions\":[],\"offers\":[]}"));

        client(gateway.url("")).capability("postgres-database");

        assertThat(gateway.seen().get(0).uri()).isEqualTo("/v1/capabilities/postgres-database");
        assertThat(gateway.seen().get(0).header("Authorization")).isEqualTo("Bearer bot-token");
    }

    @Test
    void aListSendsItsFiltersAndPagesWithTheCursor() {
        CapmarketClient client = client(gateway.url("/capmarket"));
        gateway.then(json(200, "{\"items\":[" + Fixtures.request("alpha.2", "WAITING", "SUBMITTED", "WAITING") + "],\"next\":\"c/2\"}"))
                .then(json(200, "{\"items\":[" + Fixtures.request("alpha.1", "WAITING", "SUBMITTED", "WAITING") + "],\"next\":null}"));
        RequestQuery query = RequestQuery.all().withState(RequestState.WAITING).withCapability("postgres-database")
                .withOrder(RequestQuery.Order.NEWEST).withLimit(1);

        Page<Request> first = client.requests(query);
        Page<Request> second = client.requests(query.withCursor(first.next()));

        assertThat(first.items()).extracting(Request::id).containsExactly("alpha.2");
        assertThat(first.hasNext()).isTrue();
        assertThat(second.items()).extracting(Request::requestState).containsExactly(RequestState.WAITING);
        assertThat(second.hasNext()).isFalse();
        assertThat(gateway.seen()).extracting(LocalGateway.Seen::uri).containsExactly(
                "/capmarket/v1/requests?limit=1&order=newest&state=WAITING&capability=postgres-database",
                "/capmarket/v1/requests?limit=1&order=newest&state=WAITING&capability=postgres-database&cursor=c%2F2");
    }

    @Test
    void theCatalogAndTheScorecardAreTypedAndReadToTheLastPage() {
        CapmarketClient client = client(gateway.url("/"));
        gateway.then(json(200, "{\"items\":[{\"name\":\"a-db\",\"versions\":[{\"version\":1,\"parameterSchema\":{\"type\":\"object\"},"
                        + "\"deprecated\":true,\"sunset\":\"2027-01-01T00:00:00Z\",\"contractOwner\":\"db-team\"}],"
                        + "\"offers\":[{\"offerId\":\"o1\",\"producerId\":\"db-team\","
                        + "\"version\":1,\"status\":\"ACTIVE\",\"attributes\":{\"region\":\"eu-west\"},\"capacity\":5,\"inFlight\":2,"
                        + "\"leadTimeSloMs\":600000,\"producerLive\":true,\"observed\":{\"samples\":3,\"p50Ms\":1000,\"p95Ms\":null}}],"
                        + "\"updatedAt\":\"2026-12-01T00:00:00Z\"}],\"next\":\"a-db\"}"))
                .then(json(200, "{\"items\":[{\"name\":\"b-cache\",\"versions\":[{\"version\":1,\"contractOwner\":null},"
                        + "{\"version\":2}],\"offers\":[]}],\"next\":null}"))
                .then(json(200, "{\"items\":[{\"capability\":\"a-db\",\"at\":\"2026-12-02T17:00:00Z\",\"windowMs\":3600000,"
                        + "\"window\":{\"speed\":{\"submittedToFulfilled\":{\"samples\":4,\"p50Ms\":10,\"p95Ms\":90}},"
                        + "\"safety\":{\"fulfilled\":4,\"failed\":1,\"failureRate\":0.2},\"efficiency\":{\"utilization\":0.4},"
                        + "\"scalability\":{\"backlog\":7}},\"allTime\":{},\"producers\":[{\"producerId\":\"db-team\",\"window\":{},"
                        + "\"allTime\":{\"safety\":{\"fulfilled\":40}}}]}],\"next\":null}"));

        var catalog = client.catalog();
        var scores = client.scorecard();

        assertThat(catalog).extracting(Capability::name).containsExactly("a-db", "b-cache");
        Capability db = catalog.get(0);
        assertThat(db.version(1)).hasValueSatisfying(v -> {
            assertThat(v.deprecated()).isTrue();
            assertThat(v.sunset()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
            assertThat(v.parameterSchema().path("type").asText()).isEqualTo("object");
            assertThat(v.contractOwner()).isEqualTo("db-team");
        });
        assertThat(catalog.get(1).versions()).as("no contract yet, from an older gateway too")
                .extracting(Capability.Version::contractOwner).containsExactly(null, null);
        assertThat(db.offers()).singleElement().satisfies(offer -> {
            assertThat(offer.attributes()).containsEntry("region", "eu-west");
            assertThat(offer.capacity() - offer.inFlight()).isEqualTo(3);
            assertThat(offer.observed()).isEqualTo(new LeadTime(3, 1000L, null));
        });
        assertThat(scores).singleElement().satisfies(score -> {
            assertThat(score.windowLength()).isEqualTo(Duration.ofHours(1));
            assertThat(score.window().submittedToFulfilled().p95Ms()).isEqualTo(90L);
            assertThat(score.window().failureRate()).isEqualTo(0.2);
            assertThat(score.window().backlog()).isEqualTo(7);
            assertThat(score.producers()).singleElement().satisfies(p -> assertThat(p.allTime().fulfilled()).isEqualTo(40));
        });
        assertThat(gateway.seen()).extracting(LocalGateway.Seen::uri).containsExactly("/v1/capabilities?limit=500",
                "/v1/capabilities?limit=500&cursor=a-db", "/v1/scorecard?limit=500");
    }

    @Test
    void awaitMeasuresItsTimeoutOnTheClientsClock() {
        CapmarketClient client = client(gateway.url("/capmarket"));
        LocalGateway.Answer pollThatTimesOut = exchange -> {
            String timeout = exchange.getRequestURI().getQuery().replaceAll(".*timeout=(\\d+)ms.*", "$1");
            clock.advance(Duration.ofMillis(Long.parseLong(timeout)));
            json(200, Fixtures.request("alpha.1", "WAITING", "SUBMITTED", "WAITING")).answer(exchange);
        };
        gateway.then(3, pollThatTimesOut);

        Request request = client.await("alpha.1", RequestState.FULFILLED, Duration.ofSeconds(50));

        assertThat(request.is(RequestState.WAITING)).isTrue();
        assertThat(gateway.seen()).extracting(LocalGateway.Seen::uri).containsExactly(
                "/capmarket/v1/requests/alpha.1?waitFor=FULFILLED&timeout=20000ms",
                "/capmarket/v1/requests/alpha.1?waitFor=FULFILLED&timeout=20000ms",
                "/capmarket/v1/requests/alpha.1?waitFor=FULFILLED&timeout=10000ms");
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void statesAreTypedWithAFallbackForNamesThisClientDoesNotKnow() {
        gateway.then(json(200, Fixtures.request("alpha.1", "HIBERNATING", "SUBMITTED", "FULFILLED", "HIBERNATING")));

        Request request = client(gateway.url("/")).get("alpha.1");

        assertThat(request.requestState()).isEqualTo(RequestState.UNKNOWN);
        assertThat(request.state()).isEqualTo("HIBERNATING");
        assertThat(request.terminal()).isFalse();
        assertThat(RequestState.of("deprovisioning").live()).isTrue();
        assertThat(RequestState.FULFILLED.terminal()).as("a fulfilled resource lives on").isFalse();
        assertThat(RequestState.DEPROVISIONED.terminal()).isTrue();
        assertThat(RequestState.of("cancelled")).isEqualTo(RequestState.CANCELLED);
        assertThat(RequestState.of(null)).isEqualTo(RequestState.UNKNOWN);
        assertThat(RequestState.FAILED.terminal()).isTrue();
        assertThat(RequestState.IN_PROGRESS.terminal()).isFalse();
    }

    @Test
    void anUpdateIsAMergePatchOfTheParametersAndAWaitEndsWhenTheAwaitedStateCanNoLongerCome() throws Exception {
        CapmarketClient client = client(gateway.url("/"));
        gateway.then(3, json(202, Fixtures.request("alpha.1", "FULFILLED", "SUBMITTED", "MATCHED", "FULFILLED")));
        Map<String, Object> patch = new java.util.LinkedHashMap<>();
        patch.put("size", "large");
        patch.put("replicas", null);

        Request asItWas = client.update("alpha.1", patch);

        assertThat(asItWas.live()).isTrue();
        assertThat(gateway.seen()).first().satisfies(seen -> {
            assertThat(seen.method()).isEqualTo("PATCH");
            assertThat(seen.uri()).isEqualTo("/v1/requests/alpha.1");
            assertThat(seen.body()).isEqualTo("{\"parameters\":{\"size\":\"large\",\"replicas\":null}}");
        });
        client.expireAt("alpha.1", Instant.parse("2027-01-31T18:00:00Z"));
        assertThat(gateway.seen().get(1).body()).isEqualTo("{\"expiresAt\":\"2027-01-31T18:00:00Z\"}");
        client.submit(Submission.of("postgres-database", 1).withTtl(Duration.ofDays(7)).withIdempotencyKey("k"));
        assertThat(gateway.seen().get(2).body()).contains("\"ttl\":\"PT168H\"");
        Request updating = Request.from(new ObjectMapper().readTree(Fixtures.request("alpha.1", "UPDATING", "SUBMITTED", "MATCHED",
                "FULFILLED", "UPDATING")));
        assertThat(updating.ends("FULFILLED")).as("passed through it").isTrue();
        assertThat(updating.ends("IN_PROGRESS")).as("can no longer come").isTrue();
        assertThat(updating.ends("DEPROVISIONED")).isFalse();
    }

    @Test
    void badSettingsAndQueriesFailFastNamingTheField() {
        assertThatThrownBy(() -> CapmarketClient.builder().baseUrl("http://host/capmarket?x=1"))
                .hasMessage("baseUrl must be an http(s) URL with a host and no query or fragment, but was 'http://host/capmarket?x=1'");
        assertThatThrownBy(() -> RequestQuery.all().withLimit(501)).hasMessage("limit must be from 1 to 500, but was 501");
        assertThatThrownBy(() -> RequestQuery.all().withState(RequestState.UNKNOWN))
                .hasMessage("state must be a state the gateway knows, but was UNKNOWN");
        assertThatThrownBy(() -> RequestQuery.all().withCapability("Postgres DB"))
                .hasMessage("capability must be a kebab-case capability name, but was 'Postgres DB'");
        assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(0)).hasMessage("maxAttempts must be at least 1, but was 0");
        assertThatThrownBy(() -> RetryPolicy.custom().jitter(1.5)).hasMessage("jitter must be from 0 to 1, but was 1.5");
        assertThatThrownBy(() -> RetryPolicy.custom().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("the longest backoff must be at least the initial backoff (PT2S), but was PT1S");
    }

    private CapmarketClient client(String baseUrl) {
        return CapmarketClient.builder().baseUrl(baseUrl).token("bot-token").clock(clock).sleeper(clock.sleeper()).build();
    }

    private static LocalGateway newGateway() {
        try {
            return new LocalGateway();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
