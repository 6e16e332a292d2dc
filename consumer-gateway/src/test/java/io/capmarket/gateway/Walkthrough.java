package io.capmarket.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.internal.Tokens;
import java.time.Duration;
import java.util.List;

/**
 * What {@link PortalBrowserIT} does in the browser, page by page, as a user would: by clicks,
 * typing and the keyboard, reading what the page shows.
 */
final class Walkthrough {

    /** The token of db-us, the producer of redis-cache (its one offer never requested). */
    static final String CACHE_PRODUCER_TOKEN = "db-us-secret";

    private static final Duration STEP = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DURATION = "\\d+(\\.\\d)? (ms|s|min|h|d)";
    private static final String CAPABILITY = "postgres-database";
    private static final String TAB = "\uE004";
    private static final String ENTER = "\uE007";

    private final HeadlessChromium browser;
    private final String portal;
    private final Api api;
    private final Runnable refreshOffers;

    Walkthrough(HeadlessChromium browser, String portal, Api api, Runnable refreshOffers) {
        this.browser = browser;
        this.portal = portal;
        this.api = api;
        this.refreshOffers = refreshOffers;
    }

    void run() throws Exception {
        String page = "start";
        try {
            page = "catalog";
            catalog();
            page = "request";
            String requestId = request();
            page = "requests";
            requests(requestId);
            page = "day two";
            dayTwo(requestId);
            page = "scorecard";
            scorecard();
            page = "insights";
            insights();
            page = "phone";
            phone();
            page = "producer";
            producer();
            page = "producer insights";
            producerInsights();
            page = "approvals";
            approvals();
        } catch (RuntimeException | AssertionError e) {
            e.addSuppressed(new AssertionError("on the " + page + " page; the browser console said: " + browser.consoleEntries()));
            browser.screenshot(PortalBrowserIT.screenshot("failed-" + page));
            throw e;
        }
        // the refusal the form provoked on purpose is a network error to the console; any other error fails
        assertThat(browser.consoleEntries()).as("errors in the browser console").filteredOn(HeadlessChromium.ConsoleEntry::severe)
                .noneMatch(entry -> !(entry.source().equals("network") && entry.message().contains("/v1/requests - ")
                        && entry.message().contains("status of 422")));
    }

    /** Signs in; the catalog shows both offers side by side with their promise and observed lead times. */
    private void catalog() throws Exception {
        browser.open(portal);
        assertThat(browser.title()).isEqualTo("capmarket portal");
        assertThat(browser.property("#token", "value").asText()).as("no token remembered in a fresh tab").isEmpty();
        assertThat(browser.text("main h1")).isEqualTo("Welcome to capmarket");
        assertThat(browser.texts("#nav a")).as("no pages before signing in").isEmpty();

        browser.type("#token", Tokens.DEMO_CONSUMER_TOKEN);
        browser.click("#connect");
        String section = "section.capability[data-name='" + CAPABILITY + "']";
        await("the catalog").atMost(STEP).until(() -> browser.present(section + " .offer[data-offer='pg-us']"));
        assertThat(browser.text("#who")).isEqualTo("demo-user · demo-app · consumer");
        assertThat(browser.texts("#nav a")).containsExactly("Catalog", "My requests", "Scorecard", "Insights");
        assertThat(browser.attribute("#nav-catalog", "aria-current")).isEqualTo("page");
        assertThat(browser.texts("section.capability h2")).containsExactly(CAPABILITY, "redis-cache");
        assertThat(browser.texts(section + " .offer h3")).containsExactly("db-eu", "db-us");
        // either producer's offer may have reached the topology first and set the contract
        assertThat(browser.texts(section + " .versions .contract")).singleElement().isIn("contract db-eu", "contract db-us");
        for (String offer : List.of("pg-eu", "pg-us")) {
            String card = section + " .offer[data-offer='" + offer + "']";
            assertThat(browser.text(card + " .p50")).as("p50 of " + offer).matches(DURATION);
            assertThat(browser.text(card + " .p95")).as("p95 of " + offer).matches(DURATION);
            assertThat(browser.text(card + " .live")).isEqualTo("live");
            assertThat(browser.text(card + " .failure-rate")).isEqualTo("0%");
        }
        assertThat(browser.text(section + " .offer[data-offer='pg-eu'] .slo")).isEqualTo("1.0 min");
        assertThat(browser.text(section + " .offer[data-offer='pg-us'] .slo")).isEqualTo("2.0 min");
        assertThat(browser.text(section + " .offer[data-offer='pg-us'] .load")).startsWith("0 / 3 in flight");
        keyboard();
        assertContrast("catalog");
        assertThat(browser.texts(section + " .offer[data-offer='pg-eu'] .attributes li")).containsExactly("region: eu-west", "tier: gold");
        browser.screenshot(PortalBrowserIT.screenshot("catalog"));
    }

    /**
     * From a fresh load (the token is remembered in the tab): Tab reaches the skip link, Enter on
     * it lands in the page, Tab then reaches its first link.
     */
    private void keyboard() {
        browser.open(portal);
        await("the catalog after a reload").atMost(STEP).until(() -> browser.present("section.capability .offer"));
        browser.press(TAB);
        assertThat(browser.script("return document.activeElement.className").asText()).isEqualTo("skip");
        assertThat(browser.script("return document.activeElement.getBoundingClientRect().left >= 0").asBoolean())
                .as("the skip link shows when focused").isTrue();
        browser.press(ENTER);
        assertThat(browser.script("return document.activeElement.id").asText()).isEqualTo("view");
        browser.press(TAB);
        assertThat(browser.script("return document.activeElement.textContent").asText()).isEqualTo("Request");
        assertThat(browser.script("return location.hash").asText()).as("the route is kept").isEqualTo("");
    }

    /** Every visible text has WCAG AA contrast against what is behind it. */
    private void assertContrast(String page) throws java.io.IOException {
        try (java.io.InputStream in = Walkthrough.class.getResourceAsStream("contrast.js")) {
            String script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(browser.script(script)).as("texts below AA contrast on the " + page + " page").isEmpty();
        }
    }

    /**
     * From the keyboard to the request page; a value the API refuses is shown next to its field;
     * corrected, the request is submitted and followed live to FULFILLED, and "Why here?" shows the
     * offer chosen and the other ruled out by the region constraint. Answers its id.
     */
    private String request() throws Exception {
        String link = "section.capability[data-name='" + CAPABILITY + "'] a.button";
        browser.type(link, ENTER); // Enter on the focused link
        await("the request form").atMost(STEP).until(() -> browser.displayed("#request-form"));
        assertThat(browser.text("#chosen")).isEqualTo(CAPABILITY);
        assertThat(browser.texts(".offers.stacked .offer h3")).containsExactly("db-eu", "db-us");
        String size = "[data-path='parameters.size']";
        String retention = "[data-path='parameters.backup.retentionDays']";
        String window = "[data-path='parameters.backup.window']";
        assertThat(browser.property(size, "tagName").asText()).isEqualTo("SELECT");
        assertThat(browser.texts(size + " option")).containsExactly("small", "medium", "large");
        assertThat(browser.text("fieldset[data-path='parameters.backup'] legend")).isEqualTo("backup");
        assertThat(browser.property(retention, "type").asText()).isEqualTo("number");
        assertThat(browser.property(retention, "required").asBoolean()).as("required inside the object").isTrue();
        assertThat(browser.script("const i = document.querySelector(arguments[0]); return document.querySelector('label[for=\"' + i.id + '\"]').textContent",
                retention).asText()).as("every input has its label").isEqualTo("retentionDays *");

        assertThat(browser.script("return [...document.querySelectorAll('main input, main select')]"
                + ".filter(i => !i.labels.length && !i.getAttribute('aria-label')).map(i => i.outerHTML)"))
                .as("form controls without a label").isEmpty();

        browser.click(size + " option[value='medium']");
        browser.type(retention, "99");
        browser.type(window, "02:30");
        browser.click("[data-add-for='parameters.extensions']");
        await("a list item").atMost(STEP).until(() -> browser.present("[data-path='parameters.extensions[0]']"));
        browser.click("[data-path='parameters.extensions[0]'] option[value='pgvector']");
        browser.type("#constraints", "region=eu-west");
        browser.click("#priority option[value='HIGH']");
        browser.click("#submit");

        String inline = "[data-error-for='parameters.backup.retentionDays']";
        await("the API's refusal shown at the field").atMost(STEP).until(() -> !browser.text(inline).isEmpty());
        assertThat(browser.text(inline)).contains("35").contains("(was 99)");
        assertThat(browser.attribute(retention, "aria-invalid")).isEqualTo("true");
        assertContrast("request");
        browser.screenshot(PortalBrowserIT.screenshot("request-invalid"));

        browser.clear(retention);
        browser.type(retention, "7");
        refreshOffers.run();
        browser.click("#submit");
        await("the request page").atMost(STEP).until(() -> browser.present("#live[data-request-id]"));
        String requestId = browser.attribute("#live", "data-request-id");
        await("the timeline to show the request fulfilled").atMost(WAIT)
                .until(() -> browser.text("#live-status").equals("finished: FULFILLED"));
        List<String> steps = browser.texts("#live .transition .step");
        assertThat(steps).startsWith("1. SUBMITTED", "2. MATCHED — matched to pg-eu of db-eu", "3. ACCEPTED")
                .endsWith(steps.size() + ". FULFILLED — fulfilled");
        assertThat(browser.text(".request-state")).isEqualTo("FULFILLED");
        assertThat(browser.text("#outputs dd")).isEqualTo(requestId + ".db");
        assertThat(browser.present("#cancel")).as("nothing to cancel once fulfilled").isFalse();
        await("why here: the offer chosen").atMost(STEP).until(() -> browser.present("#why-here tr.chosen[data-offer='pg-eu']"));
        assertThat(browser.text("#why-here-summary")).startsWith("matched pg-eu of db-eu: the best score (")
                .endsWith(") of 1 candidate; 1 offer ruled out");
        assertThat(browser.texts("#why-here .latest table.candidates tbody th")).containsExactly("pg-eu", "pg-us");
        assertThat(browser.text("#why-here tr.chosen .chosen-mark")).isEqualTo("chosen");
        assertThat(browser.text("#why-here tr[data-offer='pg-us'] td.filter")).isEqualTo("CONSTRAINT");
        assertThat(browser.text("#why-here tr[data-offer='pg-us'] td.detail")).contains("us-east");
        browser.script("document.querySelector('#why-here').scrollIntoView()");
        browser.screenshot(PortalBrowserIT.screenshot("request-why-here"));
        browser.script("window.scrollTo(0, 0)");

        JsonNode request = api.get("/v1/requests/" + requestId, Tokens.DEMO_CONSUMER_TOKEN).json();
        assertThat(request.get("parameters")).isEqualTo(Api.JSON.readTree(
                "{\"size\": \"medium\", \"backup\": {\"retentionDays\": 7, \"window\": \"02:30\"}, \"extensions\": [\"pgvector\"]}"));
        assertThat(request.get("constraints").get("region").get(0).asText()).isEqualTo("eu-west");
        assertThat(request.get("priority").asText()).isEqualTo("HIGH");
        browser.screenshot(PortalBrowserIT.screenshot("request"));
        return requestId;
    }

    /** Newest first, filtered by state and capability; below them what the team holds of each capability. */
    private void requests(String requestId) throws Exception {
        String team = api.get("/v1/me", Tokens.DEMO_CONSUMER_TOKEN).json().get("team").asText();
        await("the team's three databases counted").atMost(WAIT).until(() -> api.get("/v1/teams/" + team + "/usage",
                Tokens.DEMO_CONSUMER_TOKEN).text().contains("\"capability\":\"" + CAPABILITY + "\",\"live\":3,"));
        browser.click("#nav-requests");
        await("the request list").atMost(STEP).until(() -> browser.present("#requests tr"));
        String usage = "#usage tr[data-capability='" + CAPABILITY + "']";
        assertThat(browser.text(usage + " td.held")).isEqualTo("3");
        assertThat(browser.text(usage + " td.quota")).isEqualTo("none");
        assertThat(browser.attribute("#requests tr", "data-id")).as("the newest first").isEqualTo(requestId);
        assertThat(browser.texts("#requests tr")).hasSize(3);
        assertThat(browser.property("#next-page", "disabled").asBoolean()).as("one page").isTrue();

        browser.click("#filter-state option[value='CANCELLED']");
        await("the state filter").atMost(STEP).until(() -> browser.present("main .empty"));
        assertThat(browser.text("main .empty")).isEqualTo("No request matches.");
        browser.click("#filter-state option[value='FULFILLED']");
        await("the state filter").atMost(STEP).until(() -> browser.texts("#requests tr").size() == 3);
        assertThat(browser.texts("#requests td.state")).containsOnly("FULFILLED");
        browser.click("#filter-capability option[value='" + CAPABILITY + "']");
        await("both filters").atMost(STEP).until(() -> browser.texts("#requests tr").size() == 3
                && browser.property("#filter-capability", "value").asText().equals(CAPABILITY));
        assertContrast("requests");
        browser.screenshot(PortalBrowserIT.screenshot("requests"));
    }

    /** The fulfilled request updated in place through its form, then deprovisioned with its button. */
    private void dayTwo(String requestId) throws Exception {
        String page = portal + "#/requests/" + requestId;
        browser.open(page);
        await("the update form").atMost(STEP).until(() -> browser.present("#update-form [data-path='parameters.size']"));
        assertThat(browser.present("#update-form [data-path='parameters.backup.retentionDays']"))
                .as("only the parameters the offer declares updatable").isFalse();
        browser.click("#update-form [data-path='parameters.size'] option[value='large']");
        browser.click("#update");
        await("the update done").atMost(WAIT).until(() -> {
            JsonNode request = api.get("/v1/requests/" + requestId, Tokens.DEMO_CONSUMER_TOKEN).json();
            return request.get("state").asText().equals("FULFILLED") && request.get("revision").asInt() == 1;
        });
        // the page follows the update it asked for by itself: no reload
        await("the timeline to show the update").atMost(STEP).until(() -> browser.text("#live-status").equals("finished: FULFILLED")
                && browser.texts("#live .transition .step").stream().anyMatch(step -> step.contains("UPDATING")));
        assertThat(browser.text("pre.json")).contains("\"size\": \"large\"");
        browser.screenshot(PortalBrowserIT.screenshot("request-updated"));

        browser.click("#deprovision");
        await("the deprovision done").atMost(WAIT).until(() -> api.get("/v1/requests/" + requestId, Tokens.DEMO_CONSUMER_TOKEN)
                .json().get("state").asText().equals("DEPROVISIONED"));
        await("the timeline to end deprovisioned").atMost(STEP)
                .until(() -> browser.text("#live-status").equals("finished: DEPROVISIONED"));
        assertThat(browser.present("#deprovision") || browser.present("#cancel") || browser.present("#update-form"))
                .as("nothing more to do").isFalse();
        assertContrast("request-deprovisioned");
        browser.screenshot(PortalBrowserIT.screenshot("request-deprovisioned"));
    }

    /** Numbers for each dimension and plots that were drawn. */
    private void scorecard() throws Exception {
        browser.resize(1280, 1100); // the whole scorecard in one screenshot
        browser.click("#nav-scorecard");
        String section = ".score[data-capability='" + CAPABILITY + "']";
        await("the scorecard").atMost(STEP).until(() -> browser.present(section + " canvas"));
        assertThat(browser.text(section + " .p95")).matches(DURATION);
        assertThat(browser.text(section + " .failure-rate")).isEqualTo("0%");
        assertThat(browser.text(section + " .throughput")).endsWith("/ min");
        assertThat(browser.text(section + " .backlog")).matches("\\d+");
        assertThat(browser.texts(section + " table.producers tbody th")).containsExactly("db-eu", "db-us");
        assertThat(browser.script("return [...document.querySelectorAll(arguments[0])].filter(c => c.width > 0 && c.height > 0).length",
                section + " .plot-area canvas").asInt()).as("plots drawn").isGreaterThanOrEqualTo(3);
        assertContrast("scorecard");
        browser.screenshot(PortalBrowserIT.screenshot("scorecard"));
        browser.resize(1280, 900);
    }

    /**
     * Every section of the insights, each with its count; redis-cache, offered and never requested, is an unused
     * offer, and the consumer sees no producer's hint on how to deprecate it.
     */
    private void insights() throws Exception {
        browser.click("#nav-insights");
        await("the insights").atMost(STEP).until(() -> browser.present("#outcomes"));
        assertThat(browser.text("main h1")).isEqualTo("Insights");
        assertThat(browser.texts("main section.insights h2")).hasSize(7).allMatch(title -> title.matches(".+ \\(\\d+\\)"))
                .extracting(title -> title.substring(0, title.lastIndexOf(" ("))).containsExactly("Unused offers", "Unused versions",
                        "Unmet demand", "Refused submits", "Near duplicates", "Asked for past their sunset", "Outcomes");
        assertThat(browser.property("#insights-window", "value").asText()).isEqualTo("30d");
        await("redis-us among the unused offers").atMost(STEP).until(() -> browser.texts("#unused-offers tbody td").contains("redis-us"));
        assertThat(browser.present(".sunset-hint")).as("a consumer is not shown how to deprecate an offer").isFalse();
        assertThat(browser.texts("#outcomes tbody th")).contains(CAPABILITY);
        assertContrast("insights");
        browser.screenshot(PortalBrowserIT.screenshot("insights"));
    }

    /** At a phone's width nothing spills sideways. */
    private void phone() throws Exception {
        browser.resize(390, 844);
        await("the narrow layout").atMost(STEP).until(() -> browser.script("return window.innerWidth").asInt() <= 400);
        browser.open(portal + "#/scorecard");
        await("the scorecard again").atMost(STEP).until(() -> browser.present(".score canvas"));
        assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
                .as("no horizontal scrolling at 390 px").isTrue();
        browser.screenshot(PortalBrowserIT.screenshot("scorecard-phone"));
        browser.open(portal + "#/catalog");
        await("the catalog again").atMost(STEP).until(() -> browser.present(".offer[data-offer='pg-us']"));
        assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
                .as("no horizontal scrolling at 390 px").isTrue();
        browser.screenshot(PortalBrowserIT.screenshot("catalog-phone"));
        browser.resize(1280, 900);
    }

    /**
     * An admin's approval policy holds large databases for an admin: the admin finds two in the
     * Approvals inbox, approves one (fulfilled, its approval shown on its page, then deprovisioned
     * with its button) and rejects the other, saying why (failed with the reason).
     */
    private void approvals() throws Exception {
        String policy = "/v1/capabilities/" + CAPABILITY + "/versions/1/approval";
        Api.Response set = api.send(api.request(policy, Tokens.DEMO_ADMIN_TOKEN).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"when\": {\"size\": [\"large\"]}, \"approvers\": [\"role:admin\"]}"))
                .build());
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        await("the policy in the catalog").atMost(STEP).until(() -> !api.get("/v1/capabilities/" + CAPABILITY, Tokens.DEMO_CONSUMER_TOKEN)
                .json().get("versions").get(0).get("approval").isNull());
        String approved = pendingLargeDatabase();
        String rejected = pendingLargeDatabase();

        browser.clear("#token");
        browser.type("#token", Tokens.DEMO_ADMIN_TOKEN);
        browser.click("#connect");
        await("the admin's menu").atMost(STEP).until(() -> browser.texts("#nav a").contains("Approvals"));
        assertThat(browser.texts("#nav a")).containsExactly("Catalog", "My requests", "Approvals", "Scorecard", "Insights",
                "Producer");
        browser.click("#nav-catalog");
        await("the catalog with the policy").atMost(STEP).until(() -> browser.present("section.capability .versions .approval"));
        assertThat(browser.texts("section.capability .versions .approval")).containsExactly("approval size large: role:admin");
        browser.screenshot(PortalBrowserIT.screenshot("catalog-approval"));
        browser.click("#nav-approvals");
        await("the inbox").atMost(STEP).until(() -> browser.present("#pending-" + rejected));
        assertThat(browser.texts("#approvals-inbox > li")).hasSize(2);
        assertThat(browser.attribute("#approvals-inbox > li", "data-id")).as("the oldest first").isEqualTo(approved);
        assertThat(browser.text("#pending-" + approved + " .requested-by")).isEqualTo("demo-user");
        assertThat(browser.text("#pending-" + approved + " .waiting-for")).isEqualTo("Waiting for role:admin (platform)");
        assertContrast("approvals");
        browser.screenshot(PortalBrowserIT.screenshot("approvals"));

        browser.click("#approve-" + approved);
        await("the approval taken").atMost(STEP).until(() -> !browser.present("#pending-" + approved));
        assertThat(browser.text("#approvals-status")).contains("approved");
        assertThat(browser.displayed("#reason-" + rejected) || browser.displayed("#confirm-reject-" + rejected))
                .as("no reason asked before rejecting").isFalse();
        browser.click("#reject-" + rejected);
        assertThat(browser.displayed("#reason-" + rejected)).as("a rejection asks why").isTrue();
        assertThat(browser.displayed("#reject-" + rejected)).isFalse();
        browser.click("#confirm-reject-" + rejected);
        assertThat(browser.text("#decision-error-" + rejected)).isEqualTo("Say why the request is rejected.");
        browser.type("#reason-" + rejected, "too large for a demo");
        browser.screenshot(PortalBrowserIT.screenshot("approvals-reject"));
        browser.click("#confirm-reject-" + rejected);
        await("the rejection failed the request").atMost(WAIT).until(() -> api.get("/v1/requests/" + rejected, Tokens.DEMO_CONSUMER_TOKEN)
                .json().get("state").asText().equals("FAILED"));
        assertThat(api.get("/v1/requests/" + rejected, Tokens.DEMO_CONSUMER_TOKEN).json().get("reason").asText())
                .isEqualTo("rejected by demo-admin (team platform, role admin): too large for a demo");

        browser.open(portal + "#/requests/" + approved);
        await("the approved request fulfilled").atMost(WAIT).until(() -> browser.text("#live-status").equals("finished: FULFILLED"));
        assertThat(browser.text("#approvals .approved-by")).startsWith("approved by demo-admin (team platform, role admin)");
        assertThat(browser.texts("#live .transition .step")).anyMatch(step -> step.startsWith("3. PENDING_APPROVAL — approved by demo-admin"));
        assertContrast("request-approved");
        browser.screenshot(PortalBrowserIT.screenshot("request-approved"));
        browser.click("#deprovision");
        await("the approved request deprovisioned").atMost(WAIT).until(() -> api.get("/v1/requests/" + approved, Tokens.DEMO_CONSUMER_TOKEN)
                .json().get("state").asText().equals("DEPROVISIONED"));
        assertThat(api.send(api.request(policy, Tokens.DEMO_ADMIN_TOKEN).DELETE().build()).status()).isEqualTo(204);
    }

    /** The demo consumer asks for a large database; once it waits for its approval, its id. */
    private String pendingLargeDatabase() {
        String id = api.post("/v1/requests", Tokens.DEMO_CONSUMER_TOKEN, "{\"capability\": \"" + CAPABILITY + "\", \"version\": 1, "
                + "\"parameters\": {\"size\": \"large\"}, \"constraints\": {\"region\": [\"eu-west\"]}}", "Idempotency-Key",
                java.util.UUID.randomUUID().toString()).json().get("id").asText();
        assertThat(api.get("/v1/requests/" + id + "?waitFor=PENDING_APPROVAL&timeout=20s", Tokens.DEMO_CONSUMER_TOKEN).json()
                .get("state").asText()).isEqualTo("PENDING_APPROVAL");
        return id;
    }

    /** The producer of redis-cache, which nobody requested, is shown how to deprecate its offer with a sunset. */
    private void producerInsights() throws Exception {
        browser.clear("#token");
        browser.type("#token", CACHE_PRODUCER_TOKEN);
        browser.click("#connect");
        await("signed in as db-us").atMost(STEP).until(() -> browser.text("#who").contains("db-us"));
        browser.click("#nav-insights");
        String hint = ".sunset-hint[data-offer='redis-us']";
        await("the hint under redis-us").atMost(STEP).until(() -> browser.present(hint));
        List<String> code = browser.texts(hint + " code");
        assertThat(code).hasSize(2);
        assertThat(code.get(0)).matches("status: DEPRECATED\\nsunset: \\d{4}-\\d{2}-\\d{2}");
        assertThat(code.get(1)).startsWith("producer.deprecate(\"redis-us\", Instant.parse(\"");
        assertContrast("insights-producer");
        browser.screenshot(PortalBrowserIT.screenshot("insights-producer"));
    }

    /** A producer sees its own offers, work in flight, breaches and rejections, and no request pages. */
    private void producer() throws Exception {
        browser.clear("#token");
        browser.type("#token", "db-eu-secret");
        browser.click("#connect");
        await("the producer's menu").atMost(STEP).until(() -> browser.texts("#nav a").contains("Producer"));
        assertThat(browser.texts("#nav a")).containsExactly("Catalog", "Scorecard", "Insights", "Producer");
        browser.click("#nav-producer");
        await("the producer view").atMost(STEP).until(() -> browser.present("#producer-totals"));
        assertThat(browser.text("main h1")).isEqualTo("Producer db-eu");
        assertThat(browser.text("#producer-totals .offers")).isEqualTo("1");
        assertThat(browser.text("#producer-totals .in-flight")).isEqualTo("0 / 5");
        assertThat(browser.text("#producer-totals .breaches")).isEqualTo("0");
        assertThat(browser.text("#producer-totals .rejections")).isEqualTo("0");
        assertThat(browser.texts("main .offer")).hasSize(1);
        assertThat(browser.attribute("main .offer", "data-offer")).isEqualTo("pg-eu");
        assertContrast("producer");
        browser.screenshot(PortalBrowserIT.screenshot("producer"));
    }
}
