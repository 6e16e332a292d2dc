package io.capmarket.gateway;

import java.util.List;

/** No bearer token, or an unknown one. Send {@code Authorization: Bearer <token>} with a token the gateway knows. */
public class AuthenticationRequiredException extends GatewayException {

    private static final long serialVersionUID = 1L;

    public AuthenticationRequiredException(String detail) {
        this(detail, List.of());
    }

    public AuthenticationRequiredException(String detail, List<FieldError> errors) {
        super(detail, errors, null);
    }

    @Override
    public int status() {
        return 401;
    }

    @Override
    public String type() {
        return "authentication-required";
    }

    @Override
    public String title() {
        return "A valid bearer token is required";
    }
}
