package io.capmarket.schemas.serde;

import io.capmarket.schemas.registry.SchemaRegistryException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * Tells a poison record from a record that failed because of the schema registry, for the
 * handlers that decide between dead-lettering (or skipping) a record and stopping to read it again.
 *
 * <p>A record is poison only when its own bytes are at fault: {@link AvroDeserializer} then raises
 * an {@link AvroDeserializationException} (bytes that do not decode, a schema id the registry does
 * not know, whose {@code SchemaRegistryException} is then its direct cause). Any other
 * {@link SchemaRegistryException} in the chain of causes is the registry's failure: unreachable,
 * failing, throttling, refusing the credentials, answering at a URL that is not its API, or
 * refusing a schema the application writes. The record is fine and must be read or written again
 * later, not skipped.
 */
public final class RegistryFailure {

    private RegistryFailure() {
    }

    /**
     * The registry failure behind {@code failure}, or empty when {@code failure} is the record's
     * own (poison, or not about the registry at all).
     */
    public static Optional<SchemaRegistryException> in(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable wrapper = null;
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SchemaRegistryException registry && !(wrapper instanceof AvroDeserializationException)) {
                return Optional.of(registry);
            }
            wrapper = t;
        }
        return Optional.empty();
    }
}
