package io.capmarket.testkit.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevStackIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRestartKeepsTopicsAndSchemasAndResetWipesThem(@TempDir Path data) throws Exception {
        String schema = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Dev\\\",\\\"fields\\\":[]}";
        int id;
        try (DevStack stack = DevStack.start(new DevStackOptions(data, 0, 0, false))) {
            try (Admin admin = admin(stack)) {
                admin.createTopics(Set.of(new NewTopic("dev-kept", 1, (short) 1))).all().get();
            }
            HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects/dev-value/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + schema + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).isEqualTo(200);
            id = Integer.parseInt(registered.body().replaceAll("\\D", ""));
        }
        assertThat(Files.isDirectory(data.resolve("kafka"))).isTrue();

        try (DevStack again = DevStack.start(new DevStackOptions(data, 0, 0, false))) {
            try (Admin admin = admin(again)) {
                assertThat(admin.listTopics().names().get()).contains("dev-kept");
            }
            assertThat(get(again.registryUrl() + "/subjects/dev-value/versions/1")).contains("\"id\":" + id);
        }

        try (DevStack reset = DevStack.start(new DevStackOptions(data, 0, 0, true))) {
            try (Admin admin = admin(reset)) {
                assertThat(admin.listTopics().names().get()).doesNotContain("dev-kept");
            }
            assertThat(get(reset.registryUrl() + "/subjects")).isEqualTo("[]");
        }
    }

    @Test
    void aSecureStackAsksKafkaAndRegistryClientsForCredentials(@TempDir Path data) throws Exception {
        try (DevStack stack = DevStack.start(new DevStackOptions(data, 0, 0, false, true))) {
            Path settings = stack.writeAdminSettings();
            assertThat(settings).isEqualTo(data.toAbsolutePath().resolve("credentials/admin.properties"));
            Properties admin = new Properties();
            try (var in = Files.newInputStream(settings)) {
                admin.load(in);
            }
            assertThat(admin.getProperty("security.protocol")).isEqualTo("SASL_PLAINTEXT");
            assertThat(admin.getProperty("basic.auth.user.info")).isEqualTo(stack.registryAdminUserInfo().orElseThrow());
            Map<String, Object> config = new java.util.HashMap<>();
            admin.forEach((key, value) -> config.put(key.toString(), value));
            config.keySet().removeIf(key -> key.startsWith("schema.registry") || key.startsWith("basic.auth"));
            try (Admin client = Admin.create(config)) {
                assertThat(client.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(false))
                        .names().get()).contains("_schemas");
            }
            assertThat(http.send(HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
    }

    private static Admin admin(DevStack stack) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
