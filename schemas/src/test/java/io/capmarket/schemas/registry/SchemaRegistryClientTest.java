package io.capmarket.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the client reads the registry's failures: what may be retried, what needs the settings fixed, what does not exist. */
class SchemaRegistryClientTest {

    private static final String STRING_SCHEMA = "{\"schema\":\"\\\"string\\\"\"}";
    private static final String SECRET = "s3/cr@t:x";

    private final ScriptedRegistry first = ScriptedRegistry.start();
    private final ScriptedRegistry second = ScriptedRegistry.start();

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    @Test
    void throttlingAndTimeoutsAreRetryableAndTheNextUrlIsTried() {
        first.answer(429, "{\"error_code\":429,\"message\":\"slow down\"}", "Retry-After", "7")
                .answer(408, "request timeout");
        second.answer(200, STRING_SCHEMA).answer(200, STRING_SCHEMA);
        SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryConfig.of(first.url() + "," + second.url()));

        assertThat(client.schemaById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
        assertThat(client.schemaById(2)).isEqualTo(Schema.create(Schema.Type.STRING));
        assertThat(first.paths()).containsExactly("/schemas/ids/1", "/schemas/ids/2");
        assertThat(second.paths()).containsExactly("/schemas/ids/1", "/schemas/ids/2");
    }

    @Test
    void throttlingFromEveryUrlIsAnOutageNamingRetryAfter() {
        first.answer(429, "", "Retry-After", "7").answer(408, "");
        SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryConfig.of(first.url()));

        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.httpStatus()).isEqualTo(429);
            assertThat(e).hasMessageContaining("HTTP 429").hasMessageContaining("Retry-After: 7");
        });
        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("HTTP 408");
    }

    @Test
    void refusedCredentialsAreAnAccessFailureThatNamesTheStatusButNotTheSecret() {
        first.answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}")
                .answer(403, "{\"error_code\":40301,\"message\":\"User is denied operation Read on Subject\"}");
        SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", first.url() + "," + second.url(), "basic.auth.user.info", "svc:" + SECRET)));

        for (int status : new int[] {401, 403}) {
            assertThatThrownBy(() -> client.schemaById(1)).isInstanceOfSatisfying(SchemaRegistryAccessException.class, e -> {
                assertThat(e.retryable()).isFalse();
                assertThat(e.httpStatus()).isEqualTo(status);
                assertThat(e).hasMessageContaining("GET " + first.url() + "/schemas/ids/1 failed with HTTP " + status)
                        .hasMessageContaining(status == 401 ? "refused the credentials" : "refused this call to these credentials")
                        .hasMessageContaining(": check basic.auth.user.info");
                assertThat(e.getMessage()).doesNotContain("s3").doesNotContain("cr@t");
            });
        }
        assertThat(second.paths()).as("the same credentials would be refused by the next URL").isEmpty();
    }

    @Test
    void onlyANotFoundWithARegistryErrorCodeIsAMissingSchemaAnyOtherIsAWrongUrl() {
        first.answer(404, "<html><body>Not Found</body></html>")
                .answer(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}")
                .answer(404, "{\"timestamp\":\"2025-05-01T12:00:00Z\",\"status\":404,\"error\":\"Not Found\"}")
                .answer(302, "", "Location", "https://login.example/?next=registry");
        SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryConfig.of(first.url() + "/wrong"));

        for (int answer = 0; answer < 3; answer++) {
            assertThatThrownBy(() -> client.schemaById(1)).isInstanceOfSatisfying(SchemaRegistryAccessException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(404);
                assertThat(e).hasMessageContaining("does not lead to the registry's API: check schema.registry.url");
            });
        }
        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(SchemaRegistryAccessException.class)
                .hasMessageContaining("a redirect (to https://login.example/)");
        assertThat(first.paths()).containsOnly("/wrong/schemas/ids/1");

        ScriptedRegistry right = second.answer(404, "{\"error_code\":40403,\"message\":\"Schema 9 not found\"}")
                .answer(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}");
        SchemaRegistryClient registry = SchemaRegistryClient.create(SchemaRegistryConfig.of(right.url()));
        assertThatThrownBy(() -> registry.schemaById(9)).isInstanceOfSatisfying(SchemaRegistryNotFoundException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> registry.latest("x")).isInstanceOfSatisfying(SchemaRegistryNotFoundException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.SUBJECT_NOT_FOUND));
    }

    @Test
    void theIdCacheIsBoundedEmptiedWhenFullAndCounted() {
        for (int i = 0; i < 5; i++) {
            first.answer(200, STRING_SCHEMA);
        }
        SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", first.url(), "max.schemas.per.subject", "2")));

        client.schemaById(1);
        client.schemaById(2);
        client.schemaById(1);
        assertThat(first.paths()).as("kept: asked once each").containsExactly("/schemas/ids/1", "/schemas/ids/2");
        assertThat(client.cacheEvictions()).isZero();

        client.schemaById(3);
        assertThat(client.cacheEvictions()).as("the third id emptied the full cache").isEqualTo(1);
        client.schemaById(3);
        client.schemaById(1);
        assertThat(first.paths()).as("3 kept, 1 asked again").containsExactly("/schemas/ids/1", "/schemas/ids/2",
                "/schemas/ids/3", "/schemas/ids/1");
    }

    @Test
    void aCacheCapacityBelowOneIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of("schema.registry.url", first.url(), "max.schemas.per.subject", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max.schemas.per.subject must be at least 1, but was 0");
    }
}
