package io.capmarket.schemas.registry;

/**
 * The subject, version or schema asked for does not exist (Confluent error codes 40401
 * subject, 40402 version, 40403 schema, 40408 subject compatibility). Do not retry: register
 * the schema or fix the reference.
 */
public class SchemaRegistryNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public SchemaRegistryNotFoundException(int httpStatus, int errorCode, String message) {
        super(httpStatus, errorCode, message);
    }
}
