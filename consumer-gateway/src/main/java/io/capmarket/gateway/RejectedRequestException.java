package io.capmarket.gateway;

import java.util.List;

/** The request is well formed but does not fit the catalog (unknown version, parameters invalid against the capability's JSON Schema). Change it before sending it again. */
public class RejectedRequestException extends GatewayException {

    private static final long serialVersionUID = 1L;

    public RejectedRequestException(String detail) {
        this(detail, List.of());
    }

    public RejectedRequestException(String detail, List<FieldError> errors) {
        super(detail, errors, null);
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public String type() {
        return "rejected-request";
    }

    @Override
    public String title() {
        return "The request cannot be served as asked";
    }
}
