package io.capmarket.gateway;

import java.util.List;

/** The request conflicts with what exists: an Idempotency-Key reused with a different body, or a cancel of a finished request. Use a new key, or stop. */
public class ConflictException extends GatewayException {

    private static final long serialVersionUID = 1L;

    public ConflictException(String detail) {
        this(detail, List.of());
    }

    public ConflictException(String detail, List<FieldError> errors) {
        super(detail, errors, null);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String type() {
        return "conflict";
    }

    @Override
    public String title() {
        return "Conflict";
    }
}
