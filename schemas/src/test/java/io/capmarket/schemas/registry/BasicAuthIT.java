package io.capmarket.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Basic auth with Confluent's property names, against a registry that demands it. */
class BasicAuthIT {

    private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().basicAuth("svc", "s3cret").build().start();

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void credentialsFromUserInfoAreSent() {
        SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", registry.url(),
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "svc:s3cret")));

        int id = client.register("auth-value", SchemaRegistryContract.PING_V1);

        assertThat(client.schemaById(id)).isEqualTo(SchemaRegistryContract.PING_V1);
    }

    @Test
    void credentialsFromTheUrlAreSent() {
        SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", registry.url().replace("http://", "http://svc:s3cret@"),
                "basic.auth.credentials.source", "URL")));

        assertThat(client.subjects()).isNotNull();
    }

    @Test
    void missingOrWrongCredentialsAreRefused() {
        SchemaRegistryClient anonymous = SchemaRegistryClient.create(SchemaRegistryConfig.of(registry.url()));
        SchemaRegistryClient wrong = SchemaRegistryClient.create(SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", registry.url(), "basic.auth.user.info", "svc:guess")));

        assertThatThrownBy(anonymous::subjects)
                .isInstanceOfSatisfying(SchemaRegistryAccessException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.retryable()).isFalse();
                });
        assertThatThrownBy(wrong::subjects)
                .isInstanceOfSatisfying(SchemaRegistryAccessException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                .message().doesNotContain("guess");
    }

    @Test
    void aUrlWithAWrongPathIsNotAMissingSchema() {
        SchemaRegistryClient misplaced = SchemaRegistryClient.create(SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", registry.url() + "/registry", "basic.auth.user.info", "svc:s3cret")));

        assertThatThrownBy(() -> misplaced.schemaById(1)).isInstanceOfSatisfying(SchemaRegistryAccessException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e).hasMessageContaining("/registry/schemas/ids/1").hasMessageContaining("check schema.registry.url");
        });
    }

    @Test
    void anUnreachableRegistryIsRetryable() {
        String url = registry.url();
        registry.close();
        SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryConfig.of(url));

        assertThatThrownBy(client::subjects)
                .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> assertThat(e.retryable()).isTrue());
    }
}
