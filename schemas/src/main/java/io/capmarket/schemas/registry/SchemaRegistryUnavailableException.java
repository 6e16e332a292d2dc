package io.capmarket.schemas.registry;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The registry could not be reached, timed out, or failed on its side (HTTP 5xx). Retry later;
 * nothing was changed, or the change is safe to repeat (registering the same schema again
 * returns the same id).
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public SchemaRegistryUnavailableException(int httpStatus, int errorCode, String message) {
        super(httpStatus, errorCode, message);
    }

    @Override
    public boolean retryable() {
        return true;
    }

    /**
     * Whether {@code failure}, or anything in its chain of causes, is the registry being
     * unavailable: a record that failed for this is not poison, and must be read again later
     * rather than skipped or dead-lettered.
     */
    public static boolean isCauseOf(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }
}
