package io.capmarket.schemas.registry;

/**
 * The registry refused the input itself: an unparseable schema (42201), an invalid version
 * (42202) or an invalid compatibility level (42203). Do not retry: fix the input.
 */
public class InvalidSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public InvalidSchemaException(int httpStatus, int errorCode, String message) {
        super(httpStatus, errorCode, message);
    }
}
