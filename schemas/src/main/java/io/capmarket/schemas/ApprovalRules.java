package io.capmarket.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of an {@link ApprovalPolicy}, shared by everyone who reads one: which policies are
 * well formed, which requests a policy applies to, and who may decide. The producer SDK checks an
 * offer's policy by them before it is published, the gateway an admin's before it is kept and an
 * approver before a decision is sent, and the topology all of it again, whoever wrote what.
 *
 * <p>An approver is written {@code role:<role>} (one of {@link #ROLES}) or {@code team:<team>}
 * (a kebab-case team name).
 */
public final class ApprovalRules {

    /** The roles an approver entry may name. */
    public static final List<String> ROLES = List.of("consumer", "producer", "approver", "admin");
    /** The prefix of an approver entry naming a role. */
    public static final String ROLE = "role:";
    /** The prefix of an approver entry naming a team. */
    public static final String TEAM = "team:";

    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApprovalRules() {
    }

    /**
     * Why a policy is not well formed, naming the field and the rule, or empty when it is:
     * at least one approver, each {@code role:<role>} or {@code team:<team>}; every condition of
     * {@code when} names a parameter and at least one value; {@code expiresAfterMs}, when set, a lifetime {@link Lifetimes} allows.
     */
    public static Optional<String> refusal(ApprovalPolicy policy) {
        if (policy.getApprovers().isEmpty()) {
            return Optional.of("approval.approvers must name at least one approver ('role:admin', 'team:dba')");
        }
        for (String approver : policy.getApprovers()) {
            Optional<String> wrong = approverRefusal(approver);
            if (wrong.isPresent()) {
                return wrong;
            }
        }
        for (Map.Entry<String, List<String>> condition : policy.getWhen().entrySet()) {
            if (condition.getKey().isBlank()) {
                return Optional.of("approval.when must name parameters, but has an empty name");
            }
            if (condition.getValue().isEmpty()) {
                return Optional.of("approval.when." + condition.getKey() + " must list at least one value that calls for an approval");
            }
        }
        return Lifetimes.refusal("approval.expiresAfterMs", policy.getExpiresAfterMs());
    }

    /** Why one approver entry is not well formed, or empty when it is. */
    public static Optional<String> approverRefusal(String approver) {
        if (approver.startsWith(ROLE)) {
            String role = approver.substring(ROLE.length());
            return ROLES.contains(role) ? Optional.empty()
                    : Optional.of("approval.approvers: '" + approver + "' names no role; roles are " + ROLES);
        }
        if (approver.startsWith(TEAM)) {
            String team = approver.substring(TEAM.length());
            return KEBAB.matcher(team).matches() ? Optional.empty()
                    : Optional.of("approval.approvers: '" + approver + "' must name a kebab-case team, as 'team:dba'");
        }
        return Optional.of("approval.approvers: '" + approver + "' must be 'role:<role>' or 'team:<team>'");
    }

    /**
     * Whether the policy applies to a request with these parameters (a JSON object): every
     * condition of {@code when} holds (none: it applies to every request).
     *
     * @throws IllegalArgumentException when the parameters are not a JSON object
     */
    public static boolean applies(ApprovalPolicy policy, String parameters) {
        if (policy.getWhen().isEmpty()) {
            return true;
        }
        try {
            JsonNode object = JSON.readTree(parameters);
            if (object == null || !object.isObject()) {
                throw new IllegalArgumentException("parameters must be a JSON object");
            }
            return applies(policy, object);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("parameters must be a JSON object: " + e.getOriginalMessage(), e);
        }
    }

    /** As {@link #applies(ApprovalPolicy, String)}, for parsed parameters. */
    public static boolean applies(ApprovalPolicy policy, JsonNode parameters) {
        for (Map.Entry<String, List<String>> condition : policy.getWhen().entrySet()) {
            JsonNode value = parameters.get(condition.getKey());
            if (value == null || !condition.getValue().contains(value.isTextual() ? value.textValue() : value.toString())) {
                return false;
            }
        }
        return true;
    }

    /** Whether a caller of {@code team} with {@code role} is one of {@code approvers}. */
    public static boolean allows(List<String> approvers, String team, String role) {
        String lowerRole = role.toLowerCase(Locale.ROOT);
        for (String approver : approvers) {
            if (approver.equals(ROLE + lowerRole) || approver.equals(TEAM + team)) {
                return true;
            }
        }
        return false;
    }

    /** How a decision names its approver: {@code alice (team platform, role admin)}. */
    public static String describe(String name, String team, String role) {
        return name + " (team " + team + ", role " + role.toLowerCase(Locale.ROOT) + ")";
    }
}
