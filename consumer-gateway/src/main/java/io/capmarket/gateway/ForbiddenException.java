package io.capmarket.gateway;

import java.util.List;

/** The caller is authenticated but its role may not use this route. Use a token with another role; retrying will not help. */
public class ForbiddenException extends GatewayException {

    private static final long serialVersionUID = 1L;

    public ForbiddenException(String detail) {
        this(detail, List.of());
    }

    public ForbiddenException(String detail, List<FieldError> errors) {
        super(detail, errors, null);
    }

    @Override
    public int status() {
        return 403;
    }

    @Override
    public String type() {
        return "forbidden";
    }

    @Override
    public String title() {
        return "The token's role may not do this";
    }
}
