package io.capmarket.gateway;

import java.util.List;

/** The request cannot be read (bad JSON, wrong types, missing or oversized fields, bad headers). Fix it before sending it again. */
public class MalformedRequestException extends GatewayException {

    private static final long serialVersionUID = 1L;

    public MalformedRequestException(String detail) {
        this(detail, List.of());
    }

    public MalformedRequestException(String detail, List<FieldError> errors) {
        super(detail, errors, null);
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String type() {
        return "malformed-request";
    }

    @Override
    public String title() {
        return "The request is malformed";
    }
}
