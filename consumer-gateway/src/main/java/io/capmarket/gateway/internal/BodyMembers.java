package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.GatewayException.FieldError;
import java.util.List;

/** The members a JSON object body may hold. */
final class BodyMembers {

    private BodyMembers() {
    }

    /** Adds to {@code errors} one error for each member of {@code body} that is not among {@code members}, naming them. */
    static void refuseOthers(JsonNode body, List<String> members, List<FieldError> errors) {
        body.fieldNames().forEachRemaining(name -> {
            if (!members.contains(name)) {
                errors.add(new FieldError(name, body.get(name).toString(), "one of " + String.join(", ", members)));
            }
        });
    }
}
