package io.capmarket.testkit.apicurio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ApicurioRegistryExtension.class)
class ApicurioRegistryIT {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesConfluentApiAndRegistersAvroSchemas(ApicurioRegistry apicurio) throws Exception {
        assertThat(apicurio.confluentApiUrl()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");

        HttpResponse<String> subjects = http.send(HttpRequest.newBuilder(URI.create(apicurio.confluentApiUrl() + "/subjects"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(subjects.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(subjects.body()).isArray()).isTrue();
        assertThat(JSON.readTree(subjects.body())).isEmpty();

        String schema = "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("schema", schema));
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
                        URI.create(apicurio.confluentApiUrl() + "/subjects/x-value/versions"))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(registered.statusCode()).isEqualTo(200);
        JsonNode id = JSON.readTree(registered.body()).path("id");
        assertThat(id.isInt()).as("id in %s", registered.body()).isTrue();
        assertThat(id.intValue()).isPositive();
        assertThat(apicurio.isAlive()).isTrue();
        assertThat(apicurio.logFile()).exists();
    }

    @Test
    void processThatDiesFailsWithTheTailOfItsLog(@TempDir Path directory) throws IOException {
        Path brokenJar = Files.writeString(directory.resolve("broken-runner.jar"), "not a jar");

        assertThatThrownBy(() -> ApicurioRegistry.builder(brokenJar).workDirectory(directory.resolve("run")).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("apicurio-registry.log")
                .hasMessageContaining("broken-runner.jar");
    }
}
