package io.capmarket.testkit.kafka;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** The values of {@value KafkaBroker#SYSTEM_PROPERTY}. */
enum BrokerKind {
    AUTO,
    TESTCONTAINERS,
    EMBEDDED;

    /** Parses a property value; {@code null} or blank means {@link #AUTO}. */
    static BrokerKind parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        String normalized = value.trim().toUpperCase(Locale.ROOT);
        for (BrokerKind kind : values()) {
            if (kind.name().equals(normalized)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("System property '" + KafkaBroker.SYSTEM_PROPERTY
                + "' has unknown value '" + value + "'; allowed values: " + allowedValues());
    }

    static String allowedValues() {
        return Arrays.stream(values())
                .map(kind -> kind.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    /** Turns {@link #AUTO} into a concrete kind; the Docker probe is only asked for {@code AUTO}. */
    BrokerKind resolve(BooleanSupplier dockerAvailable) {
        if (this != AUTO) {
            return this;
        }
        return dockerAvailable.getAsBoolean() ? TESTCONTAINERS : EMBEDDED;
    }

    KafkaBroker start() {
        return switch (this) {
            case TESTCONTAINERS -> TestcontainersKafkaBroker.start();
            case EMBEDDED -> EmbeddedKafkaBroker.builder().build().start();
            case AUTO -> throw new IllegalStateException("resolve() AUTO to a concrete kind before starting it");
        };
    }
}
