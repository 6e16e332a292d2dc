package io.capmarket.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.serde.WireFormat;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.topology.TestRecords;
import io.capmarket.topology.core.Lifecycle;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A status kept and published in the same step is encoded once, each copy framed for its own topic. */
class StatusEncodingTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static EmbeddedSchemaRegistry registry;
    private static Topics topics;

    @BeforeAll
    static void start() {
        registry = EmbeddedSchemaRegistry.builder().build().start();
        topics = Topics.builder().prefix("t.").serdeConfig(Map.of("schema.registry.url", registry.url())).build();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void theSameStatusWrittenTwiceInARowIsFramedForEachTopicAsAFullEncodingWouldBe() {
        Serde<RequestStatus> avro = topics.requestStatus().valueSerde();
        Serde<RequestStatus> once = StatusEncoding.around(avro);
        RequestStatus status = status("r1");

        byte[] kept = once.serializer().serialize("app-request-state-changelog", status);
        byte[] published = once.serializer().serialize(topics.requestStatus().name(), status);

        assertThat(published).isEqualTo(avro.serializer().serialize(topics.requestStatus().name(), status));
        assertThat(kept).isEqualTo(avro.serializer().serialize("app-request-state-changelog", status));
        assertThat(Arrays.copyOfRange(kept, WireFormat.HEADER_SIZE, kept.length))
                .isEqualTo(Arrays.copyOfRange(published, WireFormat.HEADER_SIZE, published.length));
        assertThat(once.deserializer().deserialize(topics.requestStatus().name(), published)).isEqualTo(status);
    }

    @Test
    void anotherStatusIsEncodedAnew() {
        Serde<RequestStatus> once = StatusEncoding.around(topics.requestStatus().valueSerde());
        RequestStatus first = status("r1");
        RequestStatus second = status("r2");

        once.serializer().serialize(topics.requestStatus().name(), first);
        byte[] frame = once.serializer().serialize(topics.requestStatus().name(), second);

        assertThat(once.deserializer().deserialize(topics.requestStatus().name(), frame).getRequestId()).isEqualTo("r2");
    }

    private static RequestStatus status(String requestId) {
        return Lifecycle.submitted(TestRecords.submit(requestId, "pg", Priority.NORMAL, Map.of(), "app-team", T0), T0);
    }
}
