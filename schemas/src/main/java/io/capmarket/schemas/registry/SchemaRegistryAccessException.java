package io.capmarket.schemas.registry;

/**
 * The registry cannot be used as configured: it refused the credentials (HTTP 401 or 403), or the
 * URL does not lead to its API (a redirect, or a 404 that carries no registry {@code error_code}
 * such as 40403). Repeating the call fails the same way until the settings are fixed, so it is not
 * {@link #retryable()}; but nothing is wrong with the record being read or written: a consumer
 * must stop and read it again once the registry is reachable as configured, never skip or
 * dead-letter it.
 */
public class SchemaRegistryAccessException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public SchemaRegistryAccessException(int httpStatus, int errorCode, String message) {
        super(httpStatus, errorCode, message);
    }
}
