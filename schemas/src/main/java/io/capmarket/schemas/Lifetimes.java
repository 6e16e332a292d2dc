package io.capmarket.schemas;

import java.time.Duration;
import java.util.Optional;

/**
 * The longest lifetime a record may ask for: a request's {@code ttlMs}, an offer's {@code maxTtlMs},
 * an approval policy's {@code expiresAfterMs}. Every instant computed from one (an expiry, an
 * approval's deadline) then stays one Kafka and Avro can write: a value near {@link Long#MAX_VALUE}
 * milliseconds would overflow there, after the step that computed it had begun to change its books.
 * The gateway, the SDK and the topology check by the same rule, whoever wrote the record.
 */
public final class Lifetimes {

    /** Ten years. */
    public static final Duration MAX = Duration.ofDays(3650);

    private Lifetimes() {
    }

    /**
     * Why {@code millis} (named {@code field}) is not a lifetime a record may ask for, or empty when
     * it is one: null (none asked for), or from 1 ms to {@link #MAX}.
     */
    public static Optional<String> refusal(String field, Long millis) {
        if (millis != null && (millis < 1 || millis > MAX.toMillis())) {
            return Optional.of(field + " must be from 1 to " + MAX.toMillis() + " (" + MAX.toDays() + " days) when given, but was "
                    + millis);
        }
        return Optional.empty();
    }
}
