package io.capmarket.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {

    @Test
    void withoutASourceTheUrlsCredentialsAreUsedUnlessUserInfoIsSet() {
        assertThat(SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://svc:pw@registry:8081")).userInfo())
                .as("not silently dropped").contains("svc:pw");
        assertThat(SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://svc:pw@registry:8081",
                "basic.auth.user.info", "other:secret")).userInfo()).contains("other:secret");
        assertThat(SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://svc:pw@registry:8081",
                "basic.auth.credentials.source", "USER_INFO")).userInfo()).as("USER_INFO named, and none given").isEmpty();
        assertThat(SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://registry:8081")).userInfo()).isEmpty();
    }

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
                .hasMessageContaining("but was ftp://x/path").message().doesNotContain("s3cret");
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

    @Test
    void passwordsHoldingSlashesAtsOrColonsNeverShowInMessages() {
        Map<String, String> passwordByUrl = Map.of(
                "http://svc:ab/cd+ef@registry:8081", "ab/cd+ef",
                "http://svc:123/abc@registry:8081", "123/abc",
                "http://svc:p@ss@registry:8081/path", "p@ss",
                "http://svc:pa#ss@registry:8081", "pa#ss",
                "http://svc:pa?ss@registry:8081", "pa?ss",
                "ftp://svc:a/b@c:d@registry:8081", "a/b@c:d");

        passwordByUrl.forEach((url, password) -> assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", url, "basic.auth.credentials.source", "URL")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry:8081")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(password).doesNotContain("svc")));
        assertThatThrownBy(() -> SchemaRegistryConfig.of("http://svc:ab/cd@registry:8081"))
                .hasMessageContaining("percent-encode '/', '?', '#' and '@'");
        assertThat(SchemaRegistryConfig.shown("https://svc:a/b@c@registry:8081/ccompat?token=x"))
                .isEqualTo("https://registry:8081/ccompat");
        assertThat(SchemaRegistryConfig.shown("svc:secret@registry:8081")).isEqualTo("<unparseable URL>");
        assertThat(SchemaRegistryConfig.shown("http://svc:secret@[bad")).isEqualTo("http://<unparseable URL>");
        assertThat(SchemaRegistryConfig.shown(URI.create("http://svc:secret@registry:8081/path"))).isEqualTo("http://registry:8081/path");

        // a password may still hold a ':', and a '/' or '@' percent-encoded
        SchemaRegistryConfig plain = SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", "http://svc:pa:ss@registry:8081", "basic.auth.credentials.source", "URL"));
        SchemaRegistryConfig encoded = SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", "http://svc:a%2Fb%40c@registry:8081", "basic.auth.credentials.source", "URL"));
        assertThat(plain.userInfo()).contains("svc:pa:ss");
        assertThat(encoded.userInfo()).contains("svc:a/b@c");
        assertThat(encoded.urls()).containsExactly(URI.create("http://registry:8081"));
    }

    @Test
    void theSettingsPrintNeitherThePasswordNorUserInfoInUrls() {
        SchemaRegistryConfig config = SchemaRegistryConfig.from(Map.of(
                "schema.registry.url", "http://svc:a%2Fb%40c@registry:8081", "basic.auth.credentials.source", "URL"));
        SchemaRegistryConfig direct = new SchemaRegistryConfig(List.of(URI.create("http://svc:pw@registry:8081")),
                Optional.of("svc:pw"), Duration.ofSeconds(1), Duration.ofSeconds(1));

        assertThat(config.toString()).isEqualTo("SchemaRegistryConfig[urls=[http://registry:8081], userInfo=****, "
                + "requestTimeout=PT10S, latestCacheTtl=PT1M, cacheCapacity=1000]");
        assertThat(direct.toString()).doesNotContain("pw").contains("http://registry:8081");
    }
}
