package io.capmarket.schemas.registry;

/**
 * Root of the errors a schema registry call can raise. Carries the HTTP status and Confluent's
 * {@code error_code}; {@link #retryable()} tells whether the same call may succeed later.
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
        this.errorCode = -1;
    }

    /** The HTTP status of the registry's answer, or -1 when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's {@code error_code} (for example 40401), or -1 when there was no answer. */
    public int errorCode() {
        return errorCode;
    }

    /** Whether repeating the same call may succeed: true only for an unreachable or failing registry. */
    public boolean retryable() {
        return false;
    }
}
