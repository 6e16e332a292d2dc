package io.capmarket.testkit.registry;

import static io.capmarket.testkit.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;

import io.capmarket.testkit.registry.RegistryHttp.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every endpoint and error code over real HTTP, against a fresh in-memory registry per test. */
class EmbeddedSchemaRegistryHttpIT {

    private static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
            + "{\"name\":\"age\",\"type\":\"int\",\"default\":0}]}";
    private static final String V2_NO_DEFAULT = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
            + "{\"name\":\"email\",\"type\":\"string\"}]}";
    private static final String OTHER = "{\"type\":\"enum\",\"name\":\"Colour\",\"symbols\":[\"RED\",\"GREEN\"]}";

    private EmbeddedSchemaRegistry registry;
    private RegistryHttp http;

    @BeforeEach
    void start() {
        registry = EmbeddedSchemaRegistry.builder().build().start();
        http = new RegistryHttp(registry.url());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void listsSubjectsAndVersions() {
        assertThat(http.get("/subjects").body()).isEqualTo("[]");
        register("b-value", V1);
        register("a-value", V1);
        register("a-value", V2);

        Answer subjects = http.get("/subjects");
        assertThat(subjects.status()).isEqualTo(200);
        assertThat(subjects.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(subjects.body()).isEqualTo("[\"a-value\",\"b-value\"]");
        assertThat(http.get("/subjects/a-value/versions").body()).isEqualTo("[1,2]");
        assertThat(http.get("/subjects/nope/versions").errorCode()).isEqualTo(40401);
        assertThat(http.get("/schemas/types").body()).isEqualTo("[\"AVRO\"]");
    }

    @Test
    void registersWithGlobalContentAddressedIds() {
        int first = register("a-value", V1);
        int sameSchemaOtherSubject = register("b-value", V1);
        int again = register("a-value", V1);
        int second = register("a-value", V2);

        assertThat(sameSchemaOtherSubject).isEqualTo(first);
        assertThat(again).isEqualTo(first);
        assertThat(second).isNotEqualTo(first);
        assertThat(http.get("/subjects/a-value/versions").body()).isEqualTo("[1,2]");

        Answer explicitAvro = http.post("/subjects/c-value/versions",
                "{\"schemaType\":\"AVRO\",\"schema\":" + RegistryHttp.JSON.valueToTree(OTHER) + "}");
        assertThat(explicitAvro.status()).isEqualTo(200);
        assertThat(explicitAvro.json().path("id").asInt()).isEqualTo(second + 1);
    }

    @Test
    void rejectsIncompatibleUnparseableAndNonAvroSchemas() {
        register("a-value", V1);

        Answer incompatible = http.post("/subjects/a-value/versions", schemaBody(V2_NO_DEFAULT));
        assertThat(incompatible.status()).isEqualTo(409);
        assertThat(incompatible.errorCode()).isEqualTo(409);
        assertThat(incompatible.json().path("message").asText())
                .startsWith("Schema being registered is incompatible with an earlier schema for subject \"a-value\", details: ")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE");

        Answer unparseable = http.post("/subjects/a-value/versions", schemaBody("{\"type\":\"record\",\"name\":\"X\"}"));
        assertThat(unparseable.status()).isEqualTo(422);
        assertThat(unparseable.errorCode()).isEqualTo(42201);

        Answer protobuf = http.post("/subjects/p-value/versions",
                "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
        assertThat(protobuf.status()).isEqualTo(422);
        assertThat(protobuf.errorCode()).isEqualTo(42201);
        assertThat(protobuf.json().path("message").asText()).contains("PROTOBUF");
    }

    @Test
    void looksUpASchemaInASubject() {
        int id = register("a-value", V1);

        Answer found = http.post("/subjects/a-value", schemaBody(V1));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().path("subject").asText()).isEqualTo("a-value");
        assertThat(found.json().path("id").asInt()).isEqualTo(id);
        assertThat(found.json().path("version").asInt()).isEqualTo(1);
        assertThat(found.json().path("schema").asText()).isEqualTo(V1);

        assertThat(http.post("/subjects/missing", schemaBody(V1)).errorCode()).isEqualTo(40401);
        Answer notInSubject = http.post("/subjects/a-value", schemaBody(V2));
        assertThat(notInSubject.status()).isEqualTo(404);
        assertThat(notInSubject.errorCode()).isEqualTo(40403);
    }

    @Test
    void getsVersionsByNumberOrLatest() {
        register("a-value", V1);
        int id2 = register("a-value", V2);

        for (String latest : new String[] {"latest", "-1", "2"}) {
            Answer answer = http.get("/subjects/a-value/versions/" + latest);
            assertThat(answer.status()).as(latest).isEqualTo(200);
            assertThat(answer.json().path("version").asInt()).isEqualTo(2);
            assertThat(answer.json().path("id").asInt()).isEqualTo(id2);
            assertThat(answer.json().path("subject").asText()).isEqualTo("a-value");
            assertThat(answer.json().path("schema").asText()).isEqualTo(V2);
        }
        Answer raw = http.get("/subjects/a-value/versions/1/schema");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo(V1);

        assertThat(http.get("/subjects/missing/versions/1").errorCode()).isEqualTo(40401);
        Answer missingVersion = http.get("/subjects/a-value/versions/3");
        assertThat(missingVersion.status()).isEqualTo(404);
        assertThat(missingVersion.errorCode()).isEqualTo(40402);
        for (String invalid : new String[] {"abc", "0", "-2"}) {
            Answer answer = http.get("/subjects/a-value/versions/" + invalid);
            assertThat(answer.status()).as(invalid).isEqualTo(422);
            assertThat(answer.errorCode()).as(invalid).isEqualTo(42202);
        }
    }

    @Test
    void getsSchemasById() {
        int id = register("a-value", V1);
        register("b-value", V1);

        Answer schema = http.get("/schemas/ids/" + id);
        assertThat(schema.status()).isEqualTo(200);
        assertThat(schema.json().path("schema").asText()).isEqualTo(V1);
        assertThat(http.get("/schemas/ids/" + id + "/versions").json())
                .isEqualTo(RegistryHttp.JSON.valueToTree(java.util.List.of(
                        java.util.Map.of("subject", "a-value", "version", 1),
                        java.util.Map.of("subject", "b-value", "version", 1))));

        Answer unknown = http.get("/schemas/ids/999");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo(40403);
        assertThat(http.get("/schemas/ids/999/versions").errorCode()).isEqualTo(40403);
    }

    @Test
    void deletesSubjectsAndVersions() {
        register("a-value", V1);
        register("a-value", V2);
        http.put("/config/b-value", "{\"compatibility\":\"NONE\"}");
        register("b-value", OTHER);
        register("b-value", V1);

        Answer version = http.delete("/subjects/b-value/versions/latest");
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.body()).isEqualTo("2");
        assertThat(http.get("/subjects/b-value/versions").body()).isEqualTo("[1]");

        Answer subject = http.delete("/subjects/a-value");
        assertThat(subject.status()).isEqualTo(200);
        assertThat(subject.body()).isEqualTo("[1,2]");
        assertThat(http.get("/subjects").body()).isEqualTo("[\"b-value\"]");
        assertThat(http.get("/subjects?deleted=true").body()).isEqualTo("[\"a-value\",\"b-value\"]");

        assertThat(http.delete("/subjects/a-value").errorCode()).isEqualTo(40401);
        assertThat(http.delete("/subjects/b-value/versions/7").errorCode()).isEqualTo(40402);
        assertThat(http.delete("/subjects/b-value/versions/x").errorCode()).isEqualTo(42202);
    }

    @Test
    void testsCompatibilityWithOptionalVerboseMessages() {
        register("a-value", V1);

        assertThat(http.post("/compatibility/subjects/a-value/versions/latest", schemaBody(V2)).body())
                .isEqualTo("{\"is_compatible\":true}");
        assertThat(http.post("/compatibility/subjects/a-value/versions/1", schemaBody(V2_NO_DEFAULT)).body())
                .isEqualTo("{\"is_compatible\":false}");

        Answer verbose = http.post("/compatibility/subjects/a-value/versions/latest?verbose=true", schemaBody(V2_NO_DEFAULT));
        assertThat(verbose.json().path("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.json().path("messages")).singleElement()
                .satisfies(message -> assertThat(message.asText())
                        .contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("/fields/1").contains("email"));
        Answer verboseOk = http.post("/compatibility/subjects/a-value/versions/latest?verbose=true", schemaBody(V2));
        assertThat(verboseOk.body()).isEqualTo("{\"is_compatible\":true,\"messages\":[]}");

        assertThat(http.post("/compatibility/subjects/missing/versions/latest", schemaBody(V2)).errorCode()).isEqualTo(40401);
        assertThat(http.post("/compatibility/subjects/a-value/versions/5", schemaBody(V2)).errorCode()).isEqualTo(40402);
    }

    @Test
    void readsAndWritesCompatibilityConfig() {
        assertThat(http.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

        Answer global = http.put("/config", "{\"compatibility\":\"FULL\"}");
        assertThat(global.status()).isEqualTo(200);
        assertThat(global.body()).isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(http.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

        Answer none = http.get("/config/a-value");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.errorCode()).isEqualTo(40408);
        assertThat(http.get("/config/a-value?defaultToGlobal=true").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

        assertThat(http.put("/config/a-value", "{\"compatibility\":\"NONE\"}").body()).isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(http.get("/config/a-value").body()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        register("a-value", V1);
        assertThat(http.post("/subjects/a-value/versions", schemaBody(OTHER)).status())
                .as("NONE lets anything in").isEqualTo(200);

        assertThat(http.delete("/config/a-value").body()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertThat(http.get("/config/a-value").errorCode()).isEqualTo(40408);
        assertThat(http.delete("/config/a-value").errorCode()).isEqualTo(40408);

        Answer invalid = http.put("/config", "{\"compatibility\":\"SIDEWAYS\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42203);
        assertThat(http.put("/config/a-value", "{\"compatibility\":\"SIDEWAYS\"}").errorCode()).isEqualTo(42203);
    }

    @Test
    void answersProtocolErrorsAsJson() {
        Answer unknown = http.get("/nothing/here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo(404);

        Answer malformed = http.post("/subjects/a-value/versions", "{\"schema\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo(400);
        assertThat(malformed.json().path("message").asText()).startsWith("Malformed JSON in the request body");

        Answer noSchemaField = http.post("/subjects/a-value/versions", "{\"schemma\":\"x\"}");
        assertThat(noSchemaField.status()).isEqualTo(422);
        assertThat(noSchemaField.json().path("message").asText()).contains("\"schema\" field");

        Answer wrongType = http.send(http.request("/subjects/a-value/versions").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(schemaBody(V1))));
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.errorCode()).isEqualTo(415);

        Answer plainJson = http.send(http.request("/subjects/a-value/versions")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(schemaBody(V1))));
        assertThat(plainJson.status()).isEqualTo(200);

        Answer wrongMethod = http.send(http.request("/subjects").PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.errorCode()).isEqualTo(405);
    }

    @Test
    void subjectNamesAreUrlDecoded() {
        int id = register("com.acme/orders+v1", V1);

        assertThat(http.get("/subjects").body()).isEqualTo("[\"com.acme/orders+v1\"]");
        assertThat(http.get("/subjects/com.acme%2Forders%2Bv1/versions/1").json().path("id").asInt()).isEqualTo(id);
    }

    @Test
    void basicAuthGuardsEveryRequest() {
        try (EmbeddedSchemaRegistry guarded = EmbeddedSchemaRegistry.builder().basicAuth("ci", "s3cret").build().start()) {
            RegistryHttp anonymous = new RegistryHttp(guarded.url());

            Answer missing = anonymous.get("/subjects");
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.errorCode()).isEqualTo(401);
            assertThat(anonymous.withBasicAuth("ci", "wrong").get("/subjects").status()).isEqualTo(401);
            assertThat(anonymous.withBasicAuth("ci", "wrong").post("/subjects/a/versions", schemaBody(V1)).errorCode())
                    .isEqualTo(401);

            Answer allowed = anonymous.withBasicAuth("ci", "s3cret").get("/subjects");
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.body()).isEqualTo("[]");
        }
    }

    @Test
    void aReadOnlyUserLooksUpButCannotRegisterDeleteOrReconfigure() {
        try (EmbeddedSchemaRegistry guarded = EmbeddedSchemaRegistry.builder().basicAuth("admin", "s3cret")
                .readOnlyUser("reader", "r3ad").build().start()) {
            RegistryHttp admin = new RegistryHttp(guarded.url()).withBasicAuth("admin", "s3cret");
            RegistryHttp reader = new RegistryHttp(guarded.url()).withBasicAuth("reader", "r3ad");
            int id = admin.post("/subjects/contract-value/versions", schemaBody(V1)).json().path("id").asInt();

            assertThat(reader.get("/subjects").body()).contains("contract-value");
            assertThat(reader.get("/schemas/ids/" + id).status()).isEqualTo(200);
            Answer lookup = reader.post("/subjects/contract-value", schemaBody(V1));
            assertThat(lookup.status()).isEqualTo(200);
            assertThat(lookup.json().path("id").asInt()).isEqualTo(id);
            assertThat(reader.post("/compatibility/subjects/contract-value/versions/latest", schemaBody(V1)).status())
                    .isEqualTo(200);

            Answer register = reader.post("/subjects/contract-value/versions", schemaBody(V1));
            assertThat(register.status()).isEqualTo(403);
            assertThat(register.errorCode()).isEqualTo(40301);
            assertThat(register.json().path("message").asText()).contains("may only read");
            assertThat(reader.post("/subjects/other-value/versions", schemaBody(V1)).status()).isEqualTo(403);
            assertThat(reader.delete("/subjects/contract-value").status()).isEqualTo(403);
            assertThat(reader.put("/config", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(403);
            assertThat(new RegistryHttp(guarded.url()).withBasicAuth("reader", "wrong").get("/subjects").status()).isEqualTo(401);
            assertThat(admin.get("/subjects/contract-value/versions").body()).isEqualTo("[1]");
        }
    }

    private int register(String subject, String schema) {
        Answer answer = http.post("/subjects/" + java.net.URLEncoder.encode(subject, java.nio.charset.StandardCharsets.UTF_8)
                + "/versions", schemaBody(schema));
        assertThat(answer.status()).as("registering in %s: %s", subject, answer.body()).isEqualTo(200);
        return answer.json().path("id").asInt();
    }
}
