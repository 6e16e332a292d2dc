package io.capmarket.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {

    @Test
    void readsConfluentPropertyNames() {
        SchemaRegistryConfig config = SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", "http://a:8081/, http://b:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "svc:secret"));

        assertThat(config.urls()).containsExactly(URI.create("http://a:8081"), URI.create("http://b:8081"));
        assertThat(config.userInfo()).contains("svc:secret");
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void credentialsMayComeFromTheUrl() {
        SchemaRegistryConfig config = SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", "https://svc:secret@registry.example:443",
                "basic.auth.credentials.source", "URL"));

        assertThat(config.userInfo()).isEqualTo(Optional.of("svc:secret"));
        assertThat(config.urls()).containsExactly(URI.create("https://registry.example:443"));
    }

    @Test
    void invalidSettingsNameTheProperty() {
        assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of()))
                .hasMessageContaining("schema.registry.url is required");
        assertThatThrownBy(() -> SchemaRegistryConfig.of("ftp://x"))
                .hasMessageContaining("schema.registry.url must be an http(s) URL, but was ftp://x");
        assertThatThrownBy(() -> SchemaRegistryConfig.of("ftp://svc:s3cret@x/path"))
                .hasMessageContaining("but was ftp://****@x/path").message().doesNotContain("s3cret");
        assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://a",
                "basic.auth.credentials.source", "SASL_INHERIT")))
                .hasMessageContaining("basic.auth.credentials.source must be USER_INFO or URL, but was SASL_INHERIT");
        assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://a",
                "basic.auth.user.info", "nopassword")))
                .hasMessageContaining("basic.auth.user.info must be user:password");
        assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://a",
                "schema.registry.request.timeout.ms", "soon")))
                .hasMessageContaining("schema.registry.request.timeout.ms must be a whole number, but was soon");
    }
}
