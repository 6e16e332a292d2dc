package io.capmarket.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.registry.InvalidSchemaException;
import io.capmarket.schemas.registry.ScriptedRegistry;
import io.capmarket.schemas.registry.SchemaRegistryAccessException;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.registry.SchemaRegistryConfig;
import io.capmarket.schemas.registry.SchemaRegistryException;
import io.capmarket.schemas.registry.SchemaRegistryNotFoundException;
import io.capmarket.schemas.registry.SchemaRegistryUnavailableException;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which registry answers make a record poison for {@link AvroDeserializer} (an unknown schema id,
 * a schema that does not parse), and which are the registry's failure, raised unwrapped so that
 * {@link RegistryFailure} tells a handler not to skip or dead-letter the record.
 */
class AvroDeserializerRegistryFailuresTest {

    /** Schema id 5, then the Avro string "hi". */
    private static final byte[] RECORD = {0, 0, 0, 0, 5, 4, 'h', 'i'};

    private final ScriptedRegistry registry = ScriptedRegistry.start();
    private final AvroDeserializer<Object> deserializer =
            new AvroDeserializer<>(null, SchemaRegistryClient.create(SchemaRegistryConfig.of(registry.url())));

    AvroDeserializerRegistryFailuresTest() {
        deserializer.configure(Map.of(), false);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void anUnknownSchemaIdOrASchemaThatDoesNotParseIsPoison() {
        registry.answer(404, "{\"error_code\":40403,\"message\":\"Schema 5 not found\"}")
                .answer(200, "{\"schema\":\"{\\\"type\\\":\\\"no-such-type\\\"}\"}");

        assertThatThrownBy(() -> deserializer.deserialize("t", RECORD)).isInstanceOfSatisfying(AvroDeserializationException.class, e -> {
            assertThat(e.reason()).isEqualTo("schema id 5 is not in the registry");
            assertThat(e).hasCauseInstanceOf(SchemaRegistryNotFoundException.class);
            assertThat(RegistryFailure.in(e)).isEmpty();
        });
        assertThatThrownBy(() -> deserializer.deserialize("t", RECORD)).isInstanceOfSatisfying(AvroDeserializationException.class, e -> {
            assertThat(e).hasCauseInstanceOf(InvalidSchemaException.class);
            assertThat(RegistryFailure.in(e)).isEmpty();
        });
    }

    @Test
    void refusedCredentialsWrongUrlsAndThrottlingAreTheRegistrysFailureNotTheRecords() {
        registry.answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}")
                .answer(403, "")
                .answer(404, "<html>Not Found</html>")
                .answer(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}")
                .answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}")
                .answer(200, "<html>please log in</html>")
                .answer(429, "")
                .answer(503, "");

        for (Class<?> expected : new Class<?>[] {SchemaRegistryAccessException.class, SchemaRegistryAccessException.class,
                SchemaRegistryAccessException.class, SchemaRegistryAccessException.class, SchemaRegistryNotFoundException.class,
                SchemaRegistryException.class, SchemaRegistryUnavailableException.class, SchemaRegistryUnavailableException.class}) {
            assertThatThrownBy(() -> deserializer.deserialize("t", RECORD)).isInstanceOf(expected)
                    .satisfies(e -> assertThat(RegistryFailure.in(e)).containsSame((SchemaRegistryException) e));
        }
        registry.answer(200, "{\"schema\":\"\\\"string\\\"\"}");
        assertThat(deserializer.deserialize("t", RECORD)).hasToString("hi");
    }

    @Test
    void aRegistryFailureIsFoundBehindWrappersButNotBehindAPoisonRecord() {
        SchemaRegistryException refused = new SchemaRegistryAccessException(401, 401, "refused");
        RecordDeserializationException consumerFailure = new RecordDeserializationException(
                RecordDeserializationException.DeserializationExceptionOrigin.VALUE, new TopicPartition("t", 0), 3L, 0L,
                TimestampType.CREATE_TIME, null, null, null, "cannot read", refused);

        assertThat(RegistryFailure.in(new SerializationException("cannot serialize", refused))).containsSame(refused);
        assertThat(RegistryFailure.in(AvroDeserializationException.locate(consumerFailure))).containsSame(refused);
        assertThat(RegistryFailure.in(new AvroDeserializationException("t", "unknown id",
                new SchemaRegistryNotFoundException(404, 40403, "not found")))).isEmpty();
        assertThat(RegistryFailure.in(new SerializationException("unknown magic byte"))).isEmpty();
    }

    @Test
    void theSerdeSettingsPrintNoPassword() {
        AvroSerdeConfig config = AvroSerdeConfig.from(Map.of("schema.registry.url", "http://registry:8081",
                "basic.auth.user.info", "svc:a/b@c:d"));

        assertThat(config.toString()).contains("userInfo=****").doesNotContain("a/b@c:d");
    }
}
