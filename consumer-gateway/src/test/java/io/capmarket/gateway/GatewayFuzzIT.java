package io.capmarket.gateway;

import static io.capmarket.gateway.Fixtures.ALPHA_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile requests against one real gateway over a real broker and registry: malformed and
 * mistyped bodies, huge and deeply nested ones, bytes that are not UTF-8, CR/LF and over-long
 * headers, odd ids on every route that takes one, bad query parameters and parameters violating
 * each rule of a capability's JSON Schema. The mutations are generated from a seed
 * ({@code -Dfuzz.seed=}, printed with the case count and the status histogram), so a failure
 * can be replayed.
 *
 * <p>Every case must be answered 4xx in the one problem shape, naming the field and the rule
 * where the request has one; and none may be partly accepted: afterwards the {@code requests}
 * topic and the team's list hold the one control request submitted on purpose, and nothing else.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayFuzzIT {

    private static final long SEED = Long.getLong("fuzz.seed", 20_240_611L);
    private static final int MAX_BODY = 64 * 1024;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One hostile request and the fields its problem must name, or a field inside them (empty: the shape is enough). */
    private record Case(String family, String name, Supplier<Api.Response> call, List<String> fields) {
        Case(String family, String name, Supplier<Api.Response> call, String... fields) {
            this(family, name, call, List.of(fields));
        }

        @Override
        public String toString() {
            return family + " / " + name;
        }
    }

    /** One way to break {@link Fixtures#BUCKET_SCHEMA}: the top-level property it touches, what it does and the field to be named. */
    private record Violation(String property, String rule, Consumer<ObjectNode> mutate, String field) {
    }

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Random random = new Random(SEED);
    private RunningGateway gateway;
    private IdentityProvider idp;
    private Api api;
    private String controlId;
    private int keys;

    GatewayFuzzIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @BeforeAll
    void start() {
        Instant now = Instant.now();
        idp = new IdentityProvider();
        Map<String, String> settings = new java.util.HashMap<>(idp.settings());
        settings.put("http.max-request-size", (MAX_BODY / 1024) + "kb");
        settings.put(GatewayConfig.BODY_READ_TIMEOUT, "2s");
        gateway = RunningGateway.start(broker, registry, "fuzz", settings, List.of(Fixtures.postgres(now), Fixtures.bucket(now)));
        api = gateway.api();
        Api.Response control = api.post("/v1/requests", ALPHA_TOKEN, validBody().toString(), "Idempotency-Key", "fuzz-control");
        assertThat(control.status()).as(control.text()).isEqualTo(202);
        controlId = control.json().get("id").asText();
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    @Test
    void everyHostileRequestIsAClearProblemAndNoneIsAccepted() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(malformedJson());
        cases.addAll(wrongTypes());
        cases.addAll(hugeBodies());
        cases.addAll(deepNesting());
        cases.addAll(invalidUtf8());
        cases.addAll(headers());
        cases.addAll(ids());
        cases.addAll(queryParameters());
        cases.addAll(schemaViolations());
        cases.addAll(unknownRoutes());
        cases.addAll(identityTokens());
        cases.addAll(limits());

        Map<Integer, Integer> histogram = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (Case c : cases) {
            Api.Response response;
            try {
                response = c.call().get();
            } catch (AssertionError e) {
                histogram.merge(0, 1, Integer::sum);
                failures.add(c + ": no answer (" + (e.getCause() == null ? e.getMessage() : e.getCause()) + ")");
                continue;
            }
            histogram.merge(response.status(), 1, Integer::sum);
            String wrong = wrongAnswer(c, response);
            if (wrong != null) {
                failures.add(c + ": " + wrong);
            }
        }
        System.out.printf("GatewayFuzzIT: %d cases (seed %d) in %d ms; statuses %s%n", cases.size(), SEED,
                (System.nanoTime() - started) / 1_000_000, histogram);

        assertThat(failures).as("cases not answered with a clear 4xx problem (seed %d)", SEED).isEmpty();
        assertThat(histogram.keySet()).allMatch(status -> status >= 400 && status < 500);
        assertThat(cases).hasSizeGreaterThan(300);
        assertThat(api.get("/health/live", null).status()).isEqualTo(200);
        assertThat(api.get("/v1/requests/" + controlId, ALPHA_TOKEN).status()).isEqualTo(200);
        assertThat(ids(api.get("/v1/requests?limit=500", ALPHA_TOKEN).json())).containsExactly(controlId);
        assertThat(ids(api.get("/v1/requests?limit=500", Fixtures.ADMIN_TOKEN).json())).containsExactly(controlId);
        assertThat(keysOn(gateway.topics().requests())).as("keys on the requests topic").containsExactly(controlId);
    }

    /** Null when the answer is a 4xx problem naming what it must; else what is wrong. */
    private static String wrongAnswer(Case c, Api.Response response) {
        if (response.status() < 400 || response.status() >= 500) {
            return "status " + response.status() + ": " + abbreviate(response.text());
        }
        try {
            ProblemShape.assertShape(response);
        } catch (AssertionError e) {
            return "not the problem shape: " + abbreviate(e.getMessage());
        }
        JsonNode errors = response.json().get("errors");
        if (Set.of(400, 413, 414, 422, 431).contains(response.status()) && errors.isEmpty()) {
            return response.status() + " names no field: " + abbreviate(response.text());
        }
        Set<String> named = new LinkedHashSet<>();
        errors.forEach(e -> named.add(e.get("field").asText()));
        for (String field : c.fields()) {
            if (named.stream().noneMatch(n -> n.equals(field) || n.startsWith(field + ".") || n.startsWith(field + "["))) {
                return "the problem names " + named + ", not " + field + ": " + abbreviate(response.text());
            }
        }
        return null;
    }

    // ---- families of cases ------------------------------------------------------------------

    private List<Case> malformedJson() {
        List<Case> cases = new ArrayList<>();
        String valid = validBody().toString();
        for (int i = 0; i < 25; i++) {
            int cut = random.nextInt(valid.length());
            cases.add(new Case("malformed", "truncated at " + cut, post(valid.substring(0, cut)), "body"));
        }
        for (String garbage : List.of("x", "}", "]", ",", "{}", "[]", "\"a\"", "1", "null", valid, "\u0000")) {
            cases.add(new Case("malformed", "trailing " + abbreviate(garbage), post(valid + garbage), "body"));
        }
        String visible = "!#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~";
        for (int i = 0; i < 10; i++) {
            String garbage = randomString(visible, 1 + random.nextInt(8));
            cases.add(new Case("malformed", "trailing random " + garbage, post(valid + " " + garbage), "body"));
        }
        String structural = "{}[]:,\"";
        for (int i = 0; i < 15; i++) {
            int at;
            do {
                at = random.nextInt(valid.length());
            } while (structural.indexOf(valid.charAt(at)) < 0);
            char replacement = "'=;( ".charAt(random.nextInt(5));
            String broken = valid.substring(0, at) + replacement + valid.substring(at + 1);
            cases.add(new Case("malformed", "'" + valid.charAt(at) + "' at " + at + " replaced by '" + replacement + "'", post(broken), "body"));
        }
        for (String top : List.of("[]", "[" + valid + "]", "\"" + valid.replace("\"", "\\\"") + "\"", "1", "-0.5", "null", "true", "\"x\"")) {
            cases.add(new Case("malformed", "top level " + abbreviate(top), post(top), "body"));
        }
        cases.add(new Case("malformed", "empty body", post(""), "body"));
        cases.add(new Case("malformed", "whitespace only", post(" \r\n\t "), "body"));
        cases.add(new Case("malformed", "single quotes", post(valid.replace('"', '\'')), "body"));
        cases.add(new Case("malformed", "comment", post("/* c */" + valid), "body"));
        cases.add(new Case("malformed", "NaN version", post(valid.replace("\"version\":1", "\"version\":NaN")), "body"));
        cases.add(new Case("malformed", "duplicate key, last one valid",
                post(valid.replace("{\"capability\":", "{\"priority\":\"LOW\",\"capability\":")), "body"));
        cases.add(new Case("malformed", "duplicate key, first one valid",
                post(valid.replace("\"priority\":\"HIGH\"", "\"priority\":\"HIGH\",\"priority\":\"ASAP\"")), "body"));
        return cases;
    }

    private List<Case> wrongTypes() {
        List<Case> cases = new ArrayList<>();
        Map<String, List<JsonNode>> wrong = new TreeMap<>();
        List<JsonNode> any = List.of(NODES.numberNode(1), NODES.numberNode(-1), NODES.numberNode(1.5), NODES.booleanNode(true),
                NODES.booleanNode(false), NODES.textNode("text"), NODES.arrayNode(), NODES.arrayNode().add(1), NODES.objectNode(),
                NODES.objectNode().put("a", 1), NODES.nullNode());
        wrong.put("capability", without(any, "text"));
        wrong.get("capability").addAll(List.of(NODES.textNode(""), NODES.textNode("Not Kebab"), NODES.textNode("-x-"),
                NODES.textNode("a".repeat(101))));
        wrong.put("version", without(any, "1"));
        wrong.get("version").addAll(List.of(NODES.numberNode(0), NODES.textNode("1"), NODES.numberNode(1.0),
                NODES.numberNode(2_147_483_648L), NODES.numberNode(new java.math.BigInteger("9".repeat(40)))));
        wrong.put("parameters", without(any, "{}", "{\"a\":1}", "null"));
        wrong.put("constraints", without(any, "{}", "{\"a\":1}", "null"));
        wrong.put("preferences", without(any, "{}", "null"));
        wrong.put("priority", without(any, "null"));
        wrong.get("priority").addAll(List.of(NODES.textNode(""), NODES.textNode("high"), NODES.textNode("ASAP")));
        wrong.forEach((field, values) -> {
            for (JsonNode value : values) {
                ObjectNode body = validBody();
                body.set(field, value);
                cases.add(new Case("types", field + " = " + abbreviate(value.toString()), post(body.toString()), field));
            }
        });
        for (String required : List.of("capability", "version")) {
            ObjectNode body = validBody();
            body.remove(required);
            cases.add(new Case("types", "no " + required, post(body.toString()), required));
        }
        Map<String, String> nested = new TreeMap<>(Map.of(
                "{\"region\": \"eu-west\"}", "constraints.region", "{\"region\": []}", "constraints.region",
                "{\"region\": [1]}", "constraints.region", "{\"region\": null}", "constraints.region",
                "{\"region\": [[\"eu-west\"]]}", "constraints.region"));
        nested.forEach((value, field) -> cases.add(new Case("types", "constraints = " + value, post(with("constraints", value)), field)));
        for (String value : List.of("{\"region\": 1}", "{\"region\": [\"a\"]}", "{\"region\": null}", "{\"region\": {}}")) {
            cases.add(new Case("types", "preferences = " + value, post(with("preferences", value)), "preferences.region"));
        }
        ObjectNode unknown = validBody();
        unknown.put("colour", "red");
        cases.add(new Case("types", "unknown field colour", post(unknown.toString()), "colour"));
        return cases;
    }

    private List<Case> hugeBodies() {
        List<Case> cases = new ArrayList<>();
        for (int size : new int[] {MAX_BODY + 1, 4 * MAX_BODY, 1024 * 1024}) {
            byte[] body = padded(size);
            cases.add(new Case("huge", size + " bytes with Content-Length", post(body), "body"));
            cases.add(new Case("huge", size + " bytes chunked", () -> api.send(submitRequest(nextKey())
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build()), "body"));
        }
        cases.add(new Case("huge", "Content-Length of 10 GB, no body sent", raw("POST", "/v1/requests",
                List.of("Authorization: Bearer " + ALPHA_TOKEN, "Content-Type: application/json", "Content-Length: 10000000000"),
                new byte[0], false), "body"));
        // refused without "100 Continue": a client that waits for it never sends the body
        cases.add(new Case("huge", "4 x the limit declared with Expect: 100-continue, no body sent", raw("POST", "/v1/requests",
                List.of("Authorization: Bearer " + ALPHA_TOKEN, "Content-Type: application/json", "Content-Length: " + 4 * MAX_BODY,
                        "Expect: 100-continue"), new byte[0], false), "body"));
        return cases;
    }

    private List<Case> deepNesting() {
        List<Case> cases = new ArrayList<>();
        for (int depth : new int[] {1_001, 10_000}) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            cases.add(new Case("nesting", depth + " arrays as the body", post(arrays), "body"));
            cases.add(new Case("nesting", depth + " arrays in a parameter", post(with("parameters", "{\"tags\": " + arrays + "}")), "body"));
        }
        String objects = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
        cases.add(new Case("nesting", "5000 objects as parameters", post(with("parameters", objects)), "body"));
        String deepButParsable = "[".repeat(500) + "]".repeat(500);
        cases.add(new Case("nesting", "500 arrays in a parameter", post(with("parameters",
                "{\"name\": \"deep-one\", \"sizeGb\": 5, \"tags\": " + deepButParsable + "}")), "parameters.tags"));
        cases.add(new Case("nesting", "500 arrays in a constraint", post(with("constraints", "{\"region\": " + deepButParsable + "}")),
                "constraints.region"));
        return cases;
    }

    private List<Case> invalidUtf8() {
        List<Case> cases = new ArrayList<>();
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xfe, (byte) 0xff}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xe2, (byte) 0x82}, {(byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
        String valid = validBody().toString();
        for (byte[] bytes : bad) {
            String hex = java.util.HexFormat.of().formatHex(bytes);
            cases.add(new Case("utf-8", hex + " in the capability", post(splice(valid, "\"object-bucket\"", "\"object-", bytes, "bucket\""))));
            cases.add(new Case("utf-8", hex + " in a parameter name", post(splice(valid, "\"sizeGb\"", "\"size", bytes, "Gb\""))));
            cases.add(new Case("utf-8", hex + " in the priority", post(splice(valid, "\"HIGH\"", "\"HI", bytes, "GH\""))));
            cases.add(new Case("utf-8", hex + " between fields", post(splice(valid, ",\"version\"", ",", bytes, "\"version\""))));
        }
        byte[] validBytes = valid.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20; i++) {
            byte[] flipped = validBytes.clone();
            int at = random.nextInt(flipped.length);
            flipped[at] = (byte) (0x80 + random.nextInt(0x80));
            cases.add(new Case("utf-8", String.format("byte %d set to %02x", at, flipped[at] & 0xff), post(flipped), "body"));
        }
        return cases;
    }

    private List<Case> headers() {
        List<Case> cases = new ArrayList<>();
        byte[] body = validBody().toString().getBytes(StandardCharsets.UTF_8);
        List<String> base = List.of("Authorization: Bearer " + ALPHA_TOKEN, "Content-Type: application/json",
                "Content-Length: " + body.length);
        // name, header line(s), the field the problem must name when the gateway (not Jetty) refuses it
        String[][] hostile = {
            {"CR in Idempotency-Key", "Idempotency-Key: abc\rdef", ""},
            {"CR LF SP (folded) in Idempotency-Key", "Idempotency-Key: abc\r\n def", ""},
            {"CR LF HT (folded) in Idempotency-Key", "Idempotency-Key: abc\r\n\tSet-Cookie: x=1", ""},
            {"NUL in Idempotency-Key", "Idempotency-Key: abc\u0000def", ""},
            {"DEL in Idempotency-Key", "Idempotency-Key: abc\u007fdef", ""},
            {"latin-1 in Idempotency-Key", "Idempotency-Key: cl\u00e9", "Idempotency-Key"},
            {"space in Idempotency-Key", "Idempotency-Key: has space", "Idempotency-Key"},
            {"tab in Idempotency-Key", "Idempotency-Key: tab\there", "Idempotency-Key"},
            {"empty Idempotency-Key", "Idempotency-Key: ", "Idempotency-Key"},
            {"201-character Idempotency-Key", "Idempotency-Key: " + "k".repeat(201), "Idempotency-Key"},
            {"CR in Authorization", "X-Other: 1\r\nAuthorization: Bearer " + ALPHA_TOKEN + "\rX-Evil: 1", ""},
            {"CR in X-Request-Id", "X-Request-Id: trace\rSet-Cookie: x=1", ""},
            {"space in a header name", "Idempotency Key: abc", ""},
            {"a header line without colon", "Idempotency-Key", ""},
            {"20 kB header", "X-Filler: " + "a".repeat(20_000), "headers"},
            {"2000 headers", String.join("\r\n", java.util.stream.IntStream.range(0, 2_000).mapToObj(i -> "X-H" + i + ": v").toList()),
                "headers"},
            {"Transfer-Encoding and Content-Length", "Transfer-Encoding: chunked", ""},
            {"second, different Content-Length", "Content-Length: " + (body.length + 5), ""}};
        for (String[] header : hostile) {
            List<String> lines = new ArrayList<>(base);
            lines.add(header[1]);
            cases.add(new Case("headers", header[0], raw("POST", "/v1/requests", lines, body, false),
                    header[2].isEmpty() ? List.of() : List.of(header[2])));
        }
        for (String length : List.of("abc", "-5", "1.5", "99999999999999999999999")) {
            cases.add(new Case("headers", "Content-Length: " + length, raw("POST", "/v1/requests",
                    List.of("Authorization: Bearer " + ALPHA_TOKEN, "Content-Type: application/json", "Content-Length: " + length),
                    body, false)));
        }
        cases.add(new Case("headers", "Transfer-Encoding: gzip", raw("POST", "/v1/requests",
                List.of("Authorization: Bearer " + ALPHA_TOKEN, "Content-Type: application/json", "Transfer-Encoding: gzip"), body, false)));
        cases.add(new Case("headers", "bad chunk size", raw("POST", "/v1/requests",
                List.of("Authorization: Bearer " + ALPHA_TOKEN, "Content-Type: application/json", "Transfer-Encoding: chunked"),
                "zz\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false)));
        String events = "/v1/requests/" + controlId + "/events";
        for (String lastEventId : List.of("-1", "abc", "1.5", "99999999999", "1 2")) {
            cases.add(new Case("headers", "Last-Event-ID: " + lastEventId, () -> api.send(api.request(events, ALPHA_TOKEN)
                    .header("Accept", "text/event-stream").header("Last-Event-ID", lastEventId).GET().build()), "Last-Event-ID"));
        }
        for (String accept : List.of("text/html", "application/json", "*/*")) {
            cases.add(new Case("headers", "events with Accept: " + accept, () -> api.send(api.request(events, ALPHA_TOKEN)
                    .header("Accept", accept).GET().build()), "Accept"));
        }
        return cases;
    }

    private List<Case> ids() {
        List<String> hostile = new ArrayList<>(List.of("..", "../../../../../../../etc/passwd", "%2e%2e", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
                "..%2f..%2f..%2fetc%2fpasswd", "%252e%252e%252f", "..%5c..%5cwindows", "..;", ";jsessionid=1", "%00", "abc%00def",
                "%ff%fe", "%c0%ae%c0%ae", "%e2%80%ae", "%0d%0aSet-Cookie:%20x=1", "%20", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "'%20OR%20'1'%3D'1", "*", "~", "%7B%7D", "not-a-uuid", "x".repeat(5_000), "x".repeat(20_000),
                UUID.randomUUID().toString(), UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT),
                controlId.toUpperCase(java.util.Locale.ROOT), controlId + "%00", controlId + "%20"));
        List<Case> cases = new ArrayList<>();
        for (String route : gateway.app().routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String template = route.substring(route.indexOf(' ') + 1);
            if (!template.contains("{")) {
                continue;
            }
            for (String id : hostile) {
                String path = template.replaceAll("\\{[a-zA-Z]+}", java.util.regex.Matcher.quoteReplacement(id));
                cases.add(new Case("ids", route + " with " + abbreviate(id), raw(method, path,
                        List.of("Authorization: Bearer " + ALPHA_TOKEN, "Accept: text/event-stream"), new byte[0], false)));
            }
            String rawByte = template.replaceAll("\\{[a-zA-Z]+}", "ab\u00ffcd");
            cases.add(new Case("ids", route + " with a raw 0xff byte", raw(method, rawByte,
                    List.of("Authorization: Bearer " + ALPHA_TOKEN, "Accept: text/event-stream"), new byte[0], true)));
            String space = template.replaceAll("\\{[a-zA-Z]+}", "a b");
            cases.add(new Case("ids", route + " with a raw space", raw(method, space,
                    List.of("Authorization: Bearer " + ALPHA_TOKEN, "Accept: text/event-stream"), new byte[0], false)));
        }
        return cases;
    }

    private List<Case> queryParameters() {
        List<Case> cases = new ArrayList<>();
        String request = "/v1/requests/" + controlId;
        for (String waitFor : List.of("DONE", "fulfilled", "FULFILLED,FAILED", "%00", "FULFILLED%00", "x".repeat(300))) {
            cases.add(get(request + "?waitFor=" + waitFor, "waitFor"));
        }
        for (String timeout : List.of("-1s", "1h", "21s", "abc", "1.5s", "99999999999", "1e3", "30%20s", "20001ms", "PT5S", "%00")) {
            cases.add(get(request + "?waitFor=FULFILLED&timeout=" + timeout, "timeout"));
        }
        for (String team : List.of("a%20b", "..%2F..", "x".repeat(101), "%00", "%ff", "team;drop")) {
            cases.add(get("/v1/requests?team=" + team, "team"));
        }
        cases.add(get("/v1/requests?team=beta"));
        for (String state : List.of("BOGUS", "submitted", "%00", "SUBMITTED%20")) {
            cases.add(get("/v1/requests?state=" + state, "state"));
        }
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        List<String> cursors = new ArrayList<>(List.of("not*base64", "%00", "a", "====", "x".repeat(2_000),
                base64.encodeToString("a".repeat(301).getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe}), base64.encodeToString(new byte[] {(byte) 0xc0, (byte) 0xaf})));
        for (int i = 0; i < 5; i++) {
            byte[] bytes = new byte[1 + random.nextInt(40)];
            random.nextBytes(bytes);
            bytes[0] = (byte) (0x80 | bytes[0]);
            cursors.add(base64.encodeToString(bytes));
        }
        for (String cursor : cursors) {
            cases.add(get("/v1/requests?cursor=" + cursor, "cursor"));
            cases.add(get("/v1/capabilities?cursor=" + cursor, "cursor"));
            cases.add(get("/v1/scorecard?cursor=" + cursor, "cursor"));
        }
        for (String limit : List.of("0", "-1", "501", "abc", "1e2", "2147483648", "1.0", "%00")) {
            cases.add(get("/v1/requests?limit=" + limit, "limit"));
            cases.add(get("/v1/capabilities?limit=" + limit, "limit"));
            cases.add(get("/v1/scorecard?limit=" + limit, "limit"));
        }
        for (String window : List.of("59m", "366d", "0s", "-1d", "abc", "30%20days", "%00", "9".repeat(30) + "d")) {
            cases.add(get("/v1/insights?window=" + window, "window"));
        }
        for (String capability : List.of("Bad%20Name", "..%2F", "-x")) {
            cases.add(get("/v1/requests?capability=" + capability, "capability"));
        }
        for (String prefix : List.of("UPPER", "a%20b", "x".repeat(101))) {
            cases.add(get("/v1/capabilities?prefix=" + prefix, "prefix"));
        }
        for (String attribute : List.of("noseparator", ":value", "name:", "a%20b:c")) {
            cases.add(get("/v1/capabilities?attribute=" + attribute, "attribute"));
        }
        String internal = "/internal/v1/requests/" + controlId;
        for (String minHistory : List.of("-1", "abc", "100001")) {
            cases.add(get(internal + "?minHistory=" + minHistory, "minHistory"));
        }
        cases.add(get(internal + "?waitFor=NOPE", "waitFor"));
        cases.add(get(internal + "?timeout=1h", "timeout"));
        cases.add(get("/internal/v1/requests?limit=0", "limit"));
        cases.add(get("/internal/v1/requests?team=a%20b", "team"));
        return cases;
    }

    private List<Case> schemaViolations() {
        List<Violation> violations = new ArrayList<>();
        violations.add(new Violation("name", "required", p -> p.remove("name"), "parameters.name"));
        violations.add(new Violation("sizeGb", "required", p -> p.remove("sizeGb"), "parameters.sizeGb"));
        violations.add(new Violation("name", "type", p -> p.put("name", 5), "parameters.name"));
        violations.add(new Violation("name", "type null", p -> p.putNull("name"), "parameters.name"));
        violations.add(new Violation("name", "minLength", p -> p.put("name", "ab"), "parameters.name"));
        violations.add(new Violation("name", "maxLength", p -> p.put("name", "a".repeat(64)), "parameters.name"));
        violations.add(new Violation("name", "pattern", p -> p.put("name", "My_Bucket"), "parameters.name"));
        violations.add(new Violation("sizeGb", "type string", p -> p.put("sizeGb", "10"), "parameters.sizeGb"));
        violations.add(new Violation("sizeGb", "type number", p -> p.put("sizeGb", 10.5), "parameters.sizeGb"));
        violations.add(new Violation("sizeGb", "type boolean", p -> p.put("sizeGb", true), "parameters.sizeGb"));
        violations.add(new Violation("sizeGb", "minimum", p -> p.put("sizeGb", 0), "parameters.sizeGb"));
        violations.add(new Violation("sizeGb", "maximum", p -> p.put("sizeGb", 1005), "parameters.sizeGb"));
        violations.add(new Violation("sizeGb", "multipleOf", p -> p.put("sizeGb", 7), "parameters.sizeGb"));
        violations.add(new Violation("sizeGb", "huge integer", p -> p.put("sizeGb", new java.math.BigInteger("9".repeat(30))),
                "parameters.sizeGb"));
        violations.add(new Violation("replicas", "exclusiveMinimum", p -> p.put("replicas", 0), "parameters.replicas"));
        violations.add(new Violation("replicas", "exclusiveMaximum", p -> p.put("replicas", 10), "parameters.replicas"));
        violations.add(new Violation("replicas", "type", p -> p.put("replicas", "3"), "parameters.replicas"));
        violations.add(new Violation("tier", "dependentRequired", p -> p.remove("tier"), "parameters.tier"));
        violations.add(new Violation("tier", "enum", p -> p.put("tier", "warm"), "parameters.tier"));
        violations.add(new Violation("tier", "enum case", p -> p.put("tier", "HOT"), "parameters.tier"));
        violations.add(new Violation("versioned", "type string", p -> p.put("versioned", "true"), "parameters.versioned"));
        violations.add(new Violation("versioned", "type integer", p -> p.put("versioned", 1), "parameters.versioned"));
        violations.add(new Violation("kind", "const", p -> p.put("kind", "box"), "parameters.kind"));
        violations.add(new Violation("tags", "minItems", p -> p.putArray("tags"), "parameters.tags"));
        violations.add(new Violation("tags", "maxItems", p -> p.putArray("tags").add("a").add("b").add("c").add("d"), "parameters.tags"));
        violations.add(new Violation("tags", "uniqueItems", p -> p.putArray("tags").add("a").add("a"), "parameters.tags"));
        violations.add(new Violation("tags", "items type", p -> p.putArray("tags").add(1), "parameters.tags[0]"));
        violations.add(new Violation("tags", "type", p -> p.put("tags", "a"), "parameters.tags"));
        violations.add(new Violation("owner", "nested required", p -> p.putObject("owner"), "parameters.owner.email"));
        violations.add(new Violation("owner", "nested additionalProperties", p -> ((ObjectNode) p.get("owner")).put("phone", "1"),
                "parameters.owner.phone"));
        violations.add(new Violation("owner", "nested type", p -> ((ObjectNode) p.get("owner")).put("email", 5), "parameters.owner.email"));
        violations.add(new Violation("labels", "maxProperties", p -> p.putObject("labels").put("a", "1").put("b", "2").put("c", "3"),
                "parameters.labels"));
        violations.add(new Violation("labels", "propertyNames", p -> p.putObject("labels").put("Bad", "x"), "parameters.labels"));
        violations.add(new Violation("labels", "additionalProperties schema", p -> p.putObject("labels").put("env", 1),
                "parameters.labels.env"));
        violations.add(new Violation("colour", "additionalProperties", p -> p.put("colour", "red"), "parameters.colour"));
        violations.add(new Violation("", "additionalProperties, odd name", p -> p.put("../x\u0000", 1), "parameters.../x\u0000"));

        List<Case> cases = new ArrayList<>();
        for (Violation violation : violations) {
            cases.add(new Case("schema", violation.property() + ": " + violation.rule(), post(withParameters(List.of(violation))),
                    violation.field()));
        }
        for (int i = 0; i < 25; i++) {
            List<Violation> some = new ArrayList<>();
            Set<String> touched = new LinkedHashSet<>();
            int count = 2 + random.nextInt(3);
            while (some.size() < count) {
                Violation v = violations.get(random.nextInt(violations.size()));
                if (touched.add(v.property())) {
                    some.add(v);
                }
            }
            cases.add(new Case("schema", "combined " + some.stream().map(v -> v.property() + ":" + v.rule()).toList(),
                    post(withParameters(some)), some.stream().map(Violation::field).toList()));
        }
        cases.add(new Case("schema", "parameters empty", post(with("parameters", "{}")), "parameters.name", "parameters.sizeGb"));
        cases.add(new Case("schema", "no parameters", post(validBody().without("parameters").toString()), "parameters.name",
                "parameters.sizeGb"));
        ObjectNode unknownVersion = validBody();
        unknownVersion.put("version", 9);
        cases.add(new Case("schema", "unknown version", post(unknownVersion.toString()), "version"));
        ObjectNode unknownCapability = validBody();
        unknownCapability.put("capability", "no-such-capability");
        cases.add(new Case("schema", "unknown capability", post(unknownCapability.toString())));
        return cases;
    }

    private List<Case> unknownRoutes() {
        List<Case> cases = new ArrayList<>();
        String request = "/v1/requests/" + controlId;
        for (String[] call : new String[][] {{"PUT", "/v1/requests"}, {"PATCH", request}, {"PUT", request}, {"POST", request},
            {"POST", "/v1/capabilities"}, {"DELETE", "/v1/capabilities/postgres-database"}, {"GET", "/v2/requests"},
            {"GET", request + "/events/more"}, {"GET", "/v1//requests"}, {"TRACE", "/v1/requests"},
            {"FOO", "/v1/requests"}, {"GET", "/internal/v1"}, {"GET", "/openapi.json/.."}}) {
            cases.add(new Case("routes", call[0] + " " + call[1], raw(call[0], call[1],
                    List.of("Authorization: Bearer " + ALPHA_TOKEN, "Content-Length: 0"), new byte[0], false)));
        }
        return cases;
    }

    // ---- building requests -------------------------------------------------------------------

    private static ObjectNode validBody() {
        try {
            ObjectNode body = NODES.objectNode();
            body.put("capability", "object-bucket");
            body.put("version", 1);
            body.set("parameters", Api.JSON.readTree(Fixtures.BUCKET_PARAMETERS));
            body.putObject("constraints").putArray("region").add("eu-west");
            body.putObject("preferences").put("region", "eu-west");
            body.put("priority", "HIGH");
            return body;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String with(String field, String json) {
        String placeholder = "\"@@" + field + "@@\"";
        ObjectNode body = validBody();
        body.put(field, placeholder.substring(1, placeholder.length() - 1));
        return body.toString().replace(placeholder, json);
    }

    private static String withParameters(List<Violation> violations) {
        ObjectNode body = validBody();
        violations.forEach(v -> v.mutate().accept((ObjectNode) body.get("parameters")));
        return body.toString();
    }

    private static List<JsonNode> without(List<JsonNode> values, String... legal) {
        List<JsonNode> kept = new ArrayList<>(values);
        kept.removeIf(v -> List.of(legal).contains(v.isTextual() ? v.asText() : v.toString()));
        return kept;
    }

    private static byte[] padded(int size) {
        String head = validBody().toString();
        String open = head.substring(0, head.length() - 1) + ",\"pad\":\"";
        return (open + "x".repeat(Math.max(0, size - open.length() - 2)) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] splice(String text, String find, String before, byte[] bytes, String after) {
        int at = text.indexOf(find);
        assertThat(at).as(find).isNotNegative();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(text.substring(at + find.length()).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private String randomString(String alphabet, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** OIDC tokens that must not pass: forged, expired, for someone else, or naming what is not a team or role. */
    private List<Case> identityTokens() {
        List<Case> cases = new ArrayList<>();
        BiConsumer<String, String> refused = (name, token) -> cases.add(new Case("jwt", name,
                () -> api.get("/v1/me", token), "Authorization"));
        String valid = idp.token("alpha", "consumer", "mallory");
        String[] parts = valid.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        refused.accept("alg none", b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".");
        refused.accept("alg none with the signature kept",
                b64.encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2]);
        refused.accept("HS256 with a made-up secret", hs256(parts[1]));
        refused.accept("payload changed after signing", parts[0] + "." + b64.encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("alpha", "beta__")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        refused.accept("expired an hour ago", idp.token("alpha", "consumer", "mallory", c -> c
                .issueTime(Date.from(Instant.now().minusSeconds(7200))).expirationTime(Date.from(Instant.now().minusSeconds(3600)))));
        refused.accept("not valid for an hour", idp.token("alpha", "consumer", "mallory", c -> c
                .notBeforeTime(Date.from(Instant.now().plusSeconds(3600)))));
        refused.accept("without exp", idp.token("alpha", "consumer", "mallory", c -> c.expirationTime(null)));
        refused.accept("another issuer", idp.token("alpha", "consumer", "mallory", c -> c.issuer("https://evil.example.test")));
        refused.accept("another audience", idp.token("alpha", "consumer", "mallory", c -> c.audience("another-app")));
        refused.accept("without team", idp.token("alpha", "consumer", "mallory", c -> c.claim("team", null)));
        refused.accept("a path for a team", idp.token("alpha/../beta", "consumer", "mallory"));
        refused.accept("a team of 101 characters", idp.token("t".repeat(101), "consumer", "mallory"));
        refused.accept("an unknown role", idp.token("alpha", "superuser", "mallory"));
        refused.accept("a role as a list", idp.token("alpha", "consumer", "mallory", c -> c.claim("capmarket_role", List.of("admin"))));
        refused.accept("a name with a newline", idp.token("alpha", "consumer", "mallory\nroot"));
        try {
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
            refused.accept("the provider's key id, another key", IdentityProvider.sign(stranger,
                    IdentityProvider.claims("alpha", "admin", "mallory").build()));
            for (String kid : List.of("k2", "k3", "k4")) {
                refused.accept("unknown key id " + kid, IdentityProvider.sign(new RSAKey.Builder(stranger).keyID(kid).build(),
                        IdentityProvider.claims("alpha", "admin", "mallory").build()));
            }
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        for (String shape : List.of("a.b", "a.b.c.d", "a.b.c", "..", "e30.e30.", valid + ".", valid.replace('.', ','))) {
            refused.accept("shape " + abbreviate(shape), shape);
        }
        String jwtConsumer = idp.token("alpha", "consumer", "alice-oidc");
        String jwtProducer = idp.token("db-team", "producer", "db-oidc");
        cases.add(new Case("jwt", "a producer's OIDC token submits", () -> api.send(api.request("/v1/requests", jwtProducer)
                .header("Content-Type", "application/json").header("Idempotency-Key", nextKey())
                .POST(HttpRequest.BodyPublishers.ofString(validBody().toString())).build())));
        cases.add(new Case("jwt", "a consumer's OIDC token submits CRITICAL ungranted", () -> api.send(api.request("/v1/requests", jwtConsumer)
                .header("Content-Type", "application/json").header("Idempotency-Key", nextKey())
                .POST(HttpRequest.BodyPublishers.ofString(validBody().put("priority", "CRITICAL").toString())).build()), "priority"));
        cases.add(new Case("jwt", "a consumer's OIDC token sends a broken body", () -> api.send(api.request("/v1/requests", jwtConsumer)
                .header("Content-Type", "application/json").header("Idempotency-Key", nextKey())
                .POST(HttpRequest.BodyPublishers.ofString("{\"capability\": ")).build()), "body"));
        cases.add(new Case("jwt", "a consumer's OIDC token lists another team", () -> api.get("/v1/requests?team=beta", jwtConsumer)));
        return cases;
    }

    /** A token signed with HMAC and a secret of its own: the gateway takes asymmetric signatures only. */
    private static String hs256(String payload) {
        try {
            JWSObject jws = new JWSObject(new JWSHeader.Builder(
                    JWSAlgorithm.HS256).keyID("k1").build(), new Payload(
                    Base64.getUrlDecoder().decode(payload)));
            jws.sign(new MACSigner("a made-up secret of thirty-two bytes!"));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The limits a single hostile client can reach alone: a body trickled in past the read deadline. */
    private List<Case> limits() {
        byte[] body = validBody().toString().getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /v1/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ALPHA_TOKEN
                + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + nextKey() + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        return List.of(new Case("limits", "a body trickled past http.body-read-timeout",
                () -> api.trickle(head, body, Duration.ofMillis(100)), "body"));
    }

    private String nextKey() {
        return "fuzz-" + (++keys);
    }

    private HttpRequest.Builder submitRequest(String key) {
        return api.request("/v1/requests", ALPHA_TOKEN).header("Content-Type", "application/json").header("Idempotency-Key", key);
    }

    private Supplier<Api.Response> post(String body) {
        return post(body.getBytes(StandardCharsets.UTF_8));
    }

    /** A submit with its own Idempotency-Key, so that one wrongly accepted would show as its own request. */
    private Supplier<Api.Response> post(byte[] body) {
        String key = nextKey();
        return () -> api.send(submitRequest(key).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private Case get(String pathAndQuery, String... fields) {
        if (pathAndQuery.startsWith("/internal/")) {
            // as another instance forwarding alpha's read: the internal routes take nothing else
            io.capmarket.gateway.internal.Principal alpha =
                    new io.capmarket.gateway.internal.Principal("alpha", io.capmarket.gateway.internal.Principal.Role.CONSUMER, "alice", false);
            return new Case("query", abbreviate(pathAndQuery), () -> api.exchange(api.request(pathAndQuery, null)
                    .header(io.capmarket.gateway.internal.InstanceCalls.HEADER,
                            Fixtures.instanceAssertion(gateway.settings(), alpha, "GET", pathAndQuery, new byte[0]))
                    .GET().build()), fields);
        }
        return new Case("query", abbreviate(pathAndQuery), () -> api.get(pathAndQuery, ALPHA_TOKEN), fields);
    }

    /**
     * Exactly this request line, these header lines and this body over a socket.
     *
     * @param latin1Path whether the path holds raw bytes above 0x7f (sent as ISO-8859-1), not just ASCII
     */
    private Supplier<Api.Response> raw(String method, String path, List<String> headerLines, byte[] body, boolean latin1Path) {
        return () -> {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes((method + " ").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(path.getBytes(latin1Path ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
            StringBuilder head = new StringBuilder(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            headerLines.forEach(line -> head.append(line).append("\r\n"));
            head.append("\r\n");
            request.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(body);
            return api.raw(request.toByteArray());
        };
    }

    // ---- reading back ------------------------------------------------------------------------

    private List<String> keysOn(Topic<String, RequestCommand> topic) {
        try (KafkaConsumer<String, RequestCommand> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> keys = new ArrayList<>();
            await().atMost(RunningGateway.WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> keys.add(record.key()));
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
            return keys;
        }
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "…(" + text.length() + " chars)" : oneLine;
    }
}
