package io.capmarket.testkit.registry;

import static io.capmarket.testkit.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class SchemaRegistryDurabilityIT {

    private static final String A1 = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"string\"}]}";
    private static final String A2 = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"string\"},"
            + "{\"name\":\"y\",\"type\":\"long\",\"default\":0}]}";
    private static final String B1 = "{\"type\":\"enum\",\"name\":\"B\",\"symbols\":[\"ONE\",\"TWO\"]}";
    private static final String B2 = "{\"type\":\"enum\",\"name\":\"B\",\"symbols\":[\"ONE\",\"TWO\",\"THREE\"],\"default\":\"ONE\"}";
    private static final String C1 = "{\"type\":\"record\",\"name\":\"C\",\"fields\":[]}";

    @Test
    void aNewInstanceOnTheSameTopicAnswersTheSameAndHandsOutFreshIds(KafkaBroker kafka) throws Exception {
        String topic = "_schemas-" + UUID.randomUUID();
        int a1;
        int a2;
        int b1;
        int b2;
        try (EmbeddedSchemaRegistry first = registry(kafka, topic)) {
            RegistryHttp http = new RegistryHttp(first.url());
            a1 = id(http.post("/subjects/a-value/versions", schemaBody(A1)));
            b1 = id(http.post("/subjects/b-value/versions", schemaBody(B1)));
            a2 = id(http.post("/subjects/a-value/versions", schemaBody(A2)));
            assertThat(http.put("/config", "{\"compatibility\":\"FULL\"}").status()).isEqualTo(200);
            assertThat(http.put("/config/b-value", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
            b2 = id(http.post("/subjects/b-value/versions", schemaBody(B2)));
            assertThat(http.put("/config/a-value", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
            assertThat(http.post("/subjects/a-value/versions", schemaBody(B1)).json().path("id").asInt())
                    .as("the same content under another subject keeps its id").isEqualTo(b1);
            assertThat(http.delete("/subjects/a-value/versions/3").body()).isEqualTo("3");
            assertThat(http.delete("/config/a-value").status()).isEqualTo(200);
        }
        assertThat(Set.of(a1, a2, b1, b2)).hasSize(4);

        try (EmbeddedSchemaRegistry second = registry(kafka, topic)) {
            RegistryHttp http = new RegistryHttp(second.url());

            assertThat(http.get("/subjects").body()).isEqualTo("[\"a-value\",\"b-value\"]");
            assertThat(http.get("/subjects/a-value/versions").body()).isEqualTo("[1,2]");
            assertThat(http.get("/subjects/b-value/versions").body()).isEqualTo("[1,2]");
            assertVersion(http, "a-value", 1, a1, A1);
            assertVersion(http, "a-value", 2, a2, A2);
            assertVersion(http, "b-value", 1, b1, B1);
            assertVersion(http, "b-value", 2, b2, B2);
            assertThat(http.get("/schemas/ids/" + a2).json().path("schema").asText()).isEqualTo(A2);
            assertThat(http.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            assertThat(http.get("/config/b-value").body()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
            assertThat(http.get("/config/a-value").errorCode()).isEqualTo(40408);

            int c1 = id(http.post("/subjects/c-value/versions", schemaBody(C1)));
            assertThat(c1).isNotIn(a1, a2, b1, b2).isGreaterThan(Math.max(Math.max(a1, a2), Math.max(b1, b2)));
            assertThat(http.post("/subjects/a-value/versions", schemaBody(A1)).json().path("id").asInt())
                    .as("re-registering an existing schema reuses its id").isEqualTo(a1);
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(1);
        }
    }

    private static EmbeddedSchemaRegistry registry(KafkaBroker kafka, String topic) {
        return EmbeddedSchemaRegistry.builder().kafkaBootstrapServers(kafka.bootstrapServers()).topic(topic).build().start();
    }

    private static int id(RegistryHttp.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("id").asInt();
    }

    private static void assertVersion(RegistryHttp http, String subject, int version, int id, String schema) {
        RegistryHttp.Answer answer = http.get("/subjects/" + subject + "/versions/" + version);
        assertThat(answer.json().path("id").asInt()).as("%s v%d", subject, version).isEqualTo(id);
        assertThat(answer.json().path("schema").asText()).isEqualTo(schema);
    }
}
