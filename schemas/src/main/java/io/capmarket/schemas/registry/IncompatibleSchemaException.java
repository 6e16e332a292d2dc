package io.capmarket.schemas.registry;

/**
 * The registry refused a schema because it breaks the subject's compatibility rule (HTTP 409).
 * Do not retry: change the schema (for example give the new field a default).
 */
public class IncompatibleSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public IncompatibleSchemaException(int httpStatus, int errorCode, String message) {
        super(httpStatus, errorCode, message);
    }
}
