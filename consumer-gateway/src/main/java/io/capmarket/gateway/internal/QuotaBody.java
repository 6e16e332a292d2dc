package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RejectedRequestException;
import io.capmarket.schemas.QuotaRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The body of {@code PUT /v1/teams/{team}/quotas/{capability}}: {@code {"maxLive": 5, "maxInFlight": 2}},
 * either left out or null (no limit) but not both, read into {@link Quotas.Limits} and held to
 * {@link QuotaRules#quotaRefusal}, the rule the topology holds a quota to. Pure.
 */
public final class QuotaBody {

    static final String MAX_LIVE = "maxLive";
    static final String MAX_IN_FLIGHT = "maxInFlight";

    private static final List<String> FIELDS = List.of(MAX_LIVE, MAX_IN_FLIGHT);

    private QuotaBody() {
    }

    /**
     * The limits a body sets.
     *
     * @throws MalformedRequestException when the body is not an object of {@value #MAX_LIVE} and {@value #MAX_IN_FLIGHT},
     *     each an integer or null, naming each member that is not
     * @throws RejectedRequestException when the limits break the rule of quotas (none set, or one below 0), naming the
     *     member and the rule
     */
    public static Quotas.Limits parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new MalformedRequestException("the body is a quota, such as {\"maxLive\": 5, \"maxInFlight\": 2}",
                    List.of(new FieldError("body", body == null ? null : body.toString(), "a JSON object")));
        }
        List<FieldError> errors = new ArrayList<>();
        BodyMembers.refuseOthers(body, FIELDS, errors);
        Integer maxLive = limit(body, MAX_LIVE, errors);
        Integer maxInFlight = limit(body, MAX_IN_FLIGHT, errors);
        if (!errors.isEmpty()) {
            throw new MalformedRequestException(errors.size() == 1 ? "the quota has an invalid member: " + errors.get(0).field()
                    : "the quota has " + errors.size() + " invalid members", errors);
        }
        Optional<String> refusal = QuotaRules.quotaRefusal(maxLive, maxInFlight);
        if (refusal.isPresent()) {
            // the rule's words start with the member they name; none set names both
            List<String> fields = FIELDS.stream().filter(field -> refusal.get().startsWith(field + " ")).toList();
            throw new RejectedRequestException("the quota breaks a rule of quotas: " + refusal.get(),
                    (fields.isEmpty() ? FIELDS : fields).stream()
                            .map(field -> new FieldError(field, body.has(field) ? body.get(field).toString() : null, refusal.get()))
                            .toList());
        }
        return new Quotas.Limits(maxLive, maxInFlight);
    }

    /** A member that is absent or null (no limit), or a whole number that fits an int; anything else is an error. */
    private static Integer limit(JsonNode body, String field, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            errors.add(new FieldError(field, node.toString(), "an integer from 0 to " + Integer.MAX_VALUE + ", or null for no limit"));
            return null;
        }
        return node.intValue();
    }
}
