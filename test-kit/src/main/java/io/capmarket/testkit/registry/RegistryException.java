package io.capmarket.testkit.registry;

/**
 * An error answered to the client as {@code {"error_code":N,"message":"..."}}, Confluent style:
 * the HTTP status is the first three digits of the error code (40401 → 404, 409 → 409).
 */
final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;

    RegistryException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    RegistryException(int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    int errorCode() {
        return errorCode;
    }

    int httpStatus() {
        int status = errorCode;
        while (status >= 1000) {
            status /= 10;
        }
        return status;
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(40401, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(String subject, int version) {
        return new RegistryException(40402, "Version " + version + " not found for subject '" + subject + "'.");
    }

    static RegistryException schemaNotFound(String detail) {
        return new RegistryException(40403, "Schema not found: " + detail);
    }

    static RegistryException subjectConfigNotFound(String subject) {
        return new RegistryException(40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    static RegistryException invalidSchema(String detail) {
        return new RegistryException(42201, "Invalid schema: " + detail);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(42202, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(42203, "Invalid compatibility level '" + level + "'. Valid values are "
                + java.util.Arrays.toString(CompatibilityLevel.values()));
    }

    static RegistryException incompatible(String subject, java.util.List<String> details) {
        return new RegistryException(409, "Schema being registered is incompatible with an earlier schema for subject \""
                + subject + "\", details: " + details);
    }

    static RegistryException badRequest(String message) {
        return new RegistryException(400, message);
    }

    static RegistryException storeError(String message, Throwable cause) {
        return new RegistryException(50001, message, cause);
    }
}
