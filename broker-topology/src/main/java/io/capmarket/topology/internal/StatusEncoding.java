package io.capmarket.topology.internal;

import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.serde.WireFormat;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The request statuses' serde for the engine's request store and the request-status topic,
 * which encodes a status once for both: the engine keeps a status (its store's changelog) and
 * publishes the same one in the same step. The second write of the same status in a row on a
 * thread reuses the first's Avro encoding under the header (schema id) of its own topic.
 *
 * <p>This relies on what the engine guarantees and a general serializer could not: a status is
 * never changed once made ({@code Lifecycle} makes a new one for every transition).
 */
final class StatusEncoding {

    private StatusEncoding() {
    }

    /** The serde around {@code avro}, the catalogue's serde for statuses. */
    static Serde<RequestStatus> around(Serde<RequestStatus> avro) {
        return Serdes.serdeFrom(new EncodedOnce(avro.serializer()), avro.deserializer());
    }

    private static final class EncodedOnce implements Serializer<RequestStatus> {

        private final Serializer<RequestStatus> avro;
        /** The header (magic byte and schema id) each topic's frames start with. */
        private final Map<String, byte[]> headers = new ConcurrentHashMap<>();
        private final ThreadLocal<Encoded> last = new ThreadLocal<>();

        EncodedOnce(Serializer<RequestStatus> avro) {
            this.avro = avro;
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            avro.configure(configs, isKey);
        }

        @Override
        public byte[] serialize(String topic, RequestStatus status) {
            if (status == null) {
                return null;
            }
            Encoded previous = last.get();
            byte[] header = headers.get(topic);
            if (previous != null && previous.status() == status && header != null) {
                byte[] frame = previous.frame().clone();
                System.arraycopy(header, 0, frame, 0, WireFormat.HEADER_SIZE);
                return frame;
            }
            byte[] frame = avro.serialize(topic, status);
            headers.putIfAbsent(topic, Arrays.copyOf(frame, WireFormat.HEADER_SIZE));
            last.set(new Encoded(status, frame));
            return frame;
        }

        @Override
        public void close() {
            avro.close();
        }
    }

    private record Encoded(RequestStatus status, byte[] frame) {
    }
}
