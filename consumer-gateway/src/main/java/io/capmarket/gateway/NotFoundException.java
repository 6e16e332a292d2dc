package io.capmarket.gateway;

import java.util.List;

/** The thing asked for does not exist, or belongs to another team. Do not retry. */
public class NotFoundException extends GatewayException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String detail) {
        this(detail, List.of());
    }

    public NotFoundException(String detail, List<FieldError> errors) {
        super(detail, errors, null);
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String type() {
        return "not-found";
    }

    @Override
    public String title() {
        return "Not found";
    }
}
