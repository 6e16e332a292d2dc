package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RejectedRequestException;
import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalRules;
import io.capmarket.schemas.Lifetimes;
import io.capmarket.schemas.config.ConfigParsers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code PUT /v1/capabilities/{name}/versions/{version}/approval}:
 * {@code {"when": {"size": ["large"]}, "approvers": ["role:admin"], "expiresAfter": "2d"}}, read
 * into an {@link ApprovalPolicy} and held to {@link ApprovalRules}, as the topology holds it. Pure.
 */
public final class ApprovalPolicyBody {

    static final String WHEN = "when";
    static final String APPROVERS = "approvers";
    static final String EXPIRES_AFTER = "expiresAfter";

    private static final List<String> FIELDS = List.of(WHEN, APPROVERS, EXPIRES_AFTER);
    private static final String RULE_PREFIX = "approval.";

    private ApprovalPolicyBody() {
    }

    /**
     * The policy a body sets.
     *
     * @throws MalformedRequestException when the body is not an object of {@value #WHEN} (an object of lists of
     *     strings, numbers or booleans), {@value #APPROVERS} (a list of strings) and {@value #EXPIRES_AFTER} (a duration), naming each
     *     member that is not
     * @throws RejectedRequestException when the policy breaks a rule of {@link ApprovalRules#refusal}, naming the member and the rule
     */
    public static ApprovalPolicy parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new MalformedRequestException("the body is an approval policy, such as {\"when\": {\"size\": [\"large\"]}, "
                    + "\"approvers\": [\"role:admin\"], \"expiresAfter\": \"2d\"}", List.of(new FieldError("body", null, "a JSON object")));
        }
        List<FieldError> errors = new ArrayList<>();
        BodyMembers.refuseOthers(body, FIELDS, errors);
        Map<String, List<String>> when = when(body.get(WHEN), errors);
        List<String> approvers = approvers(body.get(APPROVERS), errors);
        Duration expiresAfter = expiresAfter(body.get(EXPIRES_AFTER), errors);
        if (!errors.isEmpty()) {
            throw new MalformedRequestException(errors.size() == 1 ? "the policy has an invalid member: " + errors.get(0).field()
                    : "the policy has " + errors.size() + " invalid members", errors);
        }
        ApprovalPolicy policy = ApprovalPolicy.newBuilder().setWhen(when).setApprovers(approvers)
                .setExpiresAfterMs(expiresAfter == null ? null : expiresAfter.toMillis()).build();
        Optional<String> refusal = ApprovalRules.refusal(policy);
        if (refusal.isPresent()) {
            String field = field(refusal.get(), policy);
            throw new RejectedRequestException("the policy breaks a rule of approval policies: " + refusal.get(),
                    List.of(new FieldError(field, value(body, field), refusal.get())));
        }
        return policy;
    }

    private static Map<String, List<String>> when(JsonNode node, List<FieldError> errors) {
        Map<String, List<String>> when = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return when;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(WHEN, node.toString(), "an object of parameter -> the values that call for an approval"));
            return when;
        }
        node.fields().forEachRemaining(condition -> {
            JsonNode values = condition.getValue();
            List<String> listed = new ArrayList<>();
            boolean ok = values.isArray();
            for (JsonNode value : values) {
                ok &= value.isValueNode() && !value.isNull();
                listed.add(value.isTextual() ? value.textValue() : value.toString());
            }
            if (ok) {
                when.put(condition.getKey(), List.copyOf(listed));
            } else {
                errors.add(new FieldError(WHEN + "." + condition.getKey(), values.toString(),
                        "a list of the values that call for an approval: strings, numbers or booleans"));
            }
        });
        return when;
    }

    private static List<String> approvers(JsonNode node, List<FieldError> errors) {
        List<String> approvers = new ArrayList<>();
        if (node == null || node.isNull()) {
            return approvers; // none: refused by the rules, which say what is needed
        }
        boolean ok = node.isArray();
        for (JsonNode approver : node) {
            ok &= approver.isTextual();
            approvers.add(approver.asText());
        }
        if (!ok) {
            errors.add(new FieldError(APPROVERS, node.toString(), "a list of 'role:<role>' or 'team:<team>' strings"));
        }
        return approvers;
    }

    private static Duration expiresAfter(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        Duration duration = null;
        try {
            duration = node.isTextual() ? ConfigParsers.duration(node.textValue()) : null;
        } catch (IllegalArgumentException e) {
            duration = null;
        }
        if (duration == null || duration.compareTo(Lifetimes.MAX) > 0) {
            errors.add(new FieldError(EXPIRES_AFTER, node.toString(), "a duration greater than 0 and at most " + Lifetimes.MAX.toDays()
                    + "d, like 2d, 90m or PT2H"));
            return null;
        }
        return duration;
    }

    /**
     * The body member a rule of {@link ApprovalRules#refusal} names: its message starts with
     * {@code approval.<member>} (a condition's {@code when.<parameter>}, whatever the parameter's
     * name holds); the policy's {@code expiresAfterMs} is the body's {@value #EXPIRES_AFTER}.
     */
    static String field(String refusal, ApprovalPolicy policy) {
        for (String parameter : policy.getWhen().keySet()) {
            if (refusal.startsWith(RULE_PREFIX + WHEN + "." + parameter + " ")) {
                return WHEN + "." + parameter;
            }
        }
        String path = refusal.startsWith(RULE_PREFIX) ? refusal.substring(RULE_PREFIX.length()) : refusal;
        int end = 0;
        while (end < path.length() && path.charAt(end) != ' ' && path.charAt(end) != ':') {
            end++;
        }
        String field = path.substring(0, end);
        return field.equals("expiresAfterMs") ? EXPIRES_AFTER : field;
    }

    /** The body's value at a member named {@code when.<parameter>} or {@code approvers}, as text; null when absent. */
    private static String value(JsonNode body, String field) {
        String[] path = field.split("\\.", 2);
        JsonNode node = body.get(path[0]);
        if (node != null && path.length > 1) {
            node = node.get(path[1]);
        }
        return node == null ? null : node.toString();
    }
}
