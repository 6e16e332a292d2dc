package io.capmarket.schemas.registry;

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
}
