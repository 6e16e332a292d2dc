package io.capmarket.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.internal.Tokens;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.app.TopologyApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The portal page in a real browser: headless Chromium against the gateway (dev mode) with the
 * real topology and a simulated producer team. A user connects with the demo token, picks a
 * capability, fills in the form generated from its parameter schema, submits, and watches the
 * request reach FULFILLED in the live view. Any JavaScript error on the page fails the test.
 *
 * <p>Skipped when Chromium or chromedriver is not installed, unless
 * {@value #REQUIRE_BROWSER}{@code =true} (CI), where a missing browser is a failure.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class PortalBrowserIT {

    static final String REQUIRE_BROWSER = "CAPMARKET_REQUIRE_BROWSER";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration STEP = Duration.ofSeconds(20);
    private static final Path WORK = Path.of("target", "portal-browser-it");
    static final Path SCREENSHOT = Path.of("target", "portal-browser-it.png");

    /** A required string with an enum and an optional bounded integer: both kinds of generated field. */
    private static final String PARAMETER_SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {"engine": {"type": "string", "enum": ["postgres-15", "postgres-16"]},
                            "sizeGb": {"type": "integer", "minimum": 1, "maximum": 1000}},
             "required": ["engine"], "additionalProperties": false}""";

    /** Before the broker and registry are resolved (they are test parameters), so a skip costs nothing and is reported as one. */
    @BeforeEach
    void browserInstalled() {
        boolean installed = Files.isExecutable(HeadlessChromium.CHROMIUM) && Files.isExecutable(HeadlessChromium.CHROMEDRIVER);
        String missing = "this test needs " + HeadlessChromium.CHROMIUM + " and " + HeadlessChromium.CHROMEDRIVER
                + " (Debian: apt-get install chromium chromium-driver)";
        if (Boolean.parseBoolean(System.getenv(REQUIRE_BROWSER))) {
            assertThat(installed).as(missing + "; " + REQUIRE_BROWSER + "=true makes that a failure").isTrue();
        } else {
            Assumptions.assumeTrue(installed, missing + "; skipped (set " + REQUIRE_BROWSER + "=true to fail instead)");
        }
    }

    @Test
    void aUserRequestsACapabilityFromThePortalAndWatchesItFulfilled(KafkaBroker broker, EmbeddedSchemaRegistry registry) throws Exception {
        Map<String, String> settings = Fixtures.settings(broker, registry, "portal");
        settings.put(GatewayConfig.DEV_MODE, "true");
        Topics topics = Fixtures.topics(settings);
        try (TopologyApp topology = TopologyApp.start(GatewayEndToEndIT.topologyConfig(settings));
             GatewayApp gateway = GatewayApp.start(GatewayConfig.of(settings));
             SimulatedProducer producer = new SimulatedProducer(broker.bootstrapServers(), topics, "db-team")) {
            Instant now = Instant.now();
            Fixtures.send(broker, topics.heartbeats("db-team"), "sim-1", new ProducerHeartbeat("db-team", "sim-1", now, 0, true));
            Fixtures.send(broker, topics.offers("db-team"), "pg-eu", CapabilityOffer.newBuilder().setOfferId("pg-eu").setProducerId("db-team")
                    .setCapability("postgres-database").setCapabilityVersion(1).setDescription("Managed PostgreSQL")
                    .setParameterSchema(PARAMETER_SCHEMA).setOutputSchema("{\"type\":\"object\"}")
                    .setAttributes(Map.of("region", "eu-west")).setLeadTimeSloMs(60_000).setCapacity(3)
                    .setStatus(OfferStatus.ACTIVE).setUpdatedAt(now).build());
            Api api = new Api(gateway.httpPort());
            await("the offer in the gateway's catalog").atMost(WAIT).until(() -> topology.ready() && gateway.ready()
                    && api.get("/v1/capabilities/postgres-database", Tokens.DEMO_CONSUMER_TOKEN).status() == 200);

            try (HeadlessChromium browser = HeadlessChromium.start(WORK, "1280,900")) {
                clickThrough(browser, "http://127.0.0.1:" + gateway.httpPort() + "/", api);
            }
        }
    }

    private static void clickThrough(HeadlessChromium browser, String portal, Api api) throws Exception {
        try {
            // 1. the page loads, asks for a token and shows no form yet
            browser.open(portal);
            assertThat(browser.title()).isEqualTo("capmarket portal");
            assertThat(browser.property("#token", "value").asText()).as("no token remembered in a fresh tab").isEmpty();
            assertThat(browser.displayed("#request-form")).as("the request form before a capability is chosen").isFalse();

            // 2. the user types the demo token and connects: the catalog lists the capability
            browser.type("#token", Tokens.DEMO_CONSUMER_TOKEN);
            browser.click("#connect");
            String entry = "#catalog li[data-name='postgres-database']";
            await("the catalog entry").atMost(STEP).until(() -> browser.present(entry));
            assertThat(browser.text(entry)).isEqualTo("postgres-database — Managed PostgreSQL");
            assertThat(browser.text("#form-error")).isEmpty();

            // 3. picking it shows a form generated from the version's parameter schema
            browser.click(entry);
            await("the request form").atMost(STEP).until(() -> browser.displayed("#request-form"));
            assertThat(browser.text("#chosen")).isEqualTo("postgres-database");
            assertThat(browser.texts("#version option")).containsExactly("1");
            assertThat(browser.property("#param-engine", "tagName").asText()).isEqualTo("SELECT");
            assertThat(browser.property("#param-engine", "required").asBoolean()).as("engine is required").isTrue();
            assertThat(browser.texts("#param-engine option")).containsExactly("postgres-15", "postgres-16");
            assertThat(browser.property("#param-sizeGb", "type").asText()).isEqualTo("number");
            assertThat(browser.property("#param-sizeGb", "min").asText()).isEqualTo("1");
            assertThat(browser.property("#param-sizeGb", "max").asText()).isEqualTo("1000");
            assertThat(browser.script("return [...document.querySelectorAll('#parameters label')].map(l => l.firstChild.textContent.trim())"))
                    .extracting(JsonNode::asText).containsExactly("engine *", "sizeGb");

            // 4. the user fills it in and submits
            browser.click("#param-engine option[value='postgres-16']");
            assertThat(browser.property("#param-engine", "value").asText()).isEqualTo("postgres-16");
            browser.type("#param-sizeGb", "20");
            browser.type("#constraints", "region=eu-west");
            browser.click("#priority option[value='HIGH']");
            browser.click("#submit");

            // 5. the live view follows the request to FULFILLED, and the list shows it
            await("the live view to show the request finished").atMost(WAIT)
                    .until(() -> browser.texts("#live .transition").contains("finished: FULFILLED"));
            assertThat(browser.text("#form-error")).isEmpty();
            List<String> live = browser.texts("#live .transition");
            assertThat(live).as("the transitions as the page shows them")
                    .startsWith("1. SUBMITTED", "2. MATCHED — matched to pg-eu of db-team", "3. ACCEPTED")
                    .endsWith(live.size() - 1 + ". FULFILLED — fulfilled", "finished: FULFILLED");
            String requestId = browser.attribute("#live", "data-request-id");
            assertThat(requestId).isNotEmpty();
            await("the request list to show the final state").atMost(STEP)
                    .until(() -> browser.text("#request-" + requestId + " .state").equals("FULFILLED"));
            assertThat(browser.texts("#requests tr")).hasSize(1);

            // what the page sent is what the user typed, typed as the schema says
            JsonNode request = api.get("/v1/requests/" + requestId, Tokens.DEMO_CONSUMER_TOKEN).json();
            assertThat(request.get("team").asText()).isEqualTo(Tokens.DEMO_TEAM);
            assertThat(request.get("parameters")).isEqualTo(Api.JSON.readTree("{\"engine\": \"postgres-16\", \"sizeGb\": 20}"));
            assertThat(request.get("constraints").get("region").get(0).asText()).isEqualTo("eu-west");
            assertThat(request.get("priority").asText()).isEqualTo("HIGH");
            assertThat(request.get("state").asText()).isEqualTo("FULFILLED");

            // 6. the scorecard on the page comes to include the capability
            await("the scorecard row").atMost(WAIT)
                    .until(() -> browser.texts("#scorecard tr td:first-child").contains("postgres-database"));
        } catch (RuntimeException | AssertionError e) {
            e.addSuppressed(new AssertionError("the browser console said: " + browser.consoleEntries()));
            throw e;
        } finally {
            browser.screenshot(SCREENSHOT);
        }
        assertThat(browser.consoleEntries()).as("errors in the browser console").noneMatch(HeadlessChromium.ConsoleEntry::severe);
    }
}
