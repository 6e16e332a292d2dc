package io.capmarket.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class DecodedOnceTest {

    @Test
    void theSameEncodingIsDecodedOnceAndAChangedOneAgain() {
        AtomicInteger decodes = new AtomicInteger();
        Deserializer<StringBuilder> counting = (topic, data) -> {
            decodes.incrementAndGet();
            return new StringBuilder(new String(data, StandardCharsets.UTF_8));
        };
        Serde<StringBuilder> serde = DecodedOnce.around(Serdes.serdeFrom(
                (topic, value) -> value.toString().getBytes(StandardCharsets.UTF_8), counting));

        StringBuilder first = serde.deserializer().deserialize("t", "alive at 1".getBytes(StandardCharsets.UTF_8));
        StringBuilder again = serde.deserializer().deserialize("t", "alive at 1".getBytes(StandardCharsets.UTF_8));
        StringBuilder changed = serde.deserializer().deserialize("t", "alive at 2".getBytes(StandardCharsets.UTF_8));

        assertThat(again).as("equal bytes in another array: the record decoded before").isSameAs(first);
        assertThat(changed.toString()).isEqualTo("alive at 2");
        assertThat(decodes).hasValue(2);
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
        assertThat(serde.serializer().serialize("t", changed)).isEqualTo("alive at 2".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theCacheIsBounded() {
        AtomicInteger decodes = new AtomicInteger();
        Serde<String> serde = DecodedOnce.around(Serdes.serdeFrom(Serdes.String().serializer(), (topic, data) -> {
            decodes.incrementAndGet();
            return new String(data, StandardCharsets.UTF_8);
        }));
        for (int i = 0; i <= DecodedOnce.MAX_KEPT; i++) {
            serde.deserializer().deserialize("t", ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        serde.deserializer().deserialize("t", "v0".getBytes(StandardCharsets.UTF_8));
        assertThat(decodes).as("the first value was dropped when the bound was reached, and decoded again")
                .hasValue(DecodedOnce.MAX_KEPT + 2);
    }
}
