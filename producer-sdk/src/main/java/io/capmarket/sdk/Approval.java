package io.capmarket.sdk;

import io.capmarket.sdk.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An offer's approval policy: which requests for the offer's capability version wait for an
 * approver before the marketplace matches them, who may approve (or reject) them, and how long they
 * wait. Immutable; every method returns a new value, so one policy can be shared by several offers.
 *
 * <pre>{@code
 * Offer offer = Offer.builder()
 *         ...
 *         .approval(Approval.when("size", "large").approvers("role:admin").expiresAfter(Duration.ofDays(2)))
 *         .build();
 * }</pre>
 *
 * <p>A policy applies to a request when, for every parameter in {@link #when()}, the request's
 * top-level parameter of that name has one of the listed values (a string as it is; a number or a
 * boolean as JSON writes it, {@code "3"}, {@code "true"}); {@link #always()} applies to every
 * request. Such a request stays PENDING_APPROVAL until one of the {@link #approvers()} approves it,
 * fails when one rejects it or when {@link #expiresAfter()} has passed since its submission, and is
 * matched to whichever offer of the capability version then suits it best. The policies of several
 * offers of the same version, and the platform admins' own, must each be satisfied.
 *
 * <p>The rules are checked when the offer is built, and an {@link InvalidOfferException} names the
 * offer, the field and the rule: at least one approver, each {@code role:<role>} (consumer, producer,
 * approver or admin) or {@code team:<team>} (kebab-case); every parameter in {@code when} with at
 * least one value, a top-level property of the offer's parameter schema when that declares
 * properties, and its values among the property's {@code enum} when it has one; {@code expiresAfter},
 * when given, greater than 0.
 *
 * @param when the parameters that call for an approval, each with the values that do, sorted by
 *     parameter; empty: every request
 * @param approvers who may decide, {@code role:admin} or {@code team:dba}; any one of them decides
 * @param expiresAfter how long a request waits for the approval, from its submission; null (the
 *     default): the marketplace's {@code approval.expires-after}, 3 days unless configured otherwise
 */
public record Approval(Map<String, List<String>> when, List<String> approvers, Duration expiresAfter) {

    /**
     * Copies the conditions and the approvers.
     *
     * @throws NullPointerException when {@code when}, {@code approvers}, a parameter, a value or an approver is null
     */
    public Approval {
        Objects.requireNonNull(when, "approval.when must be given (empty for every request)");
        Objects.requireNonNull(approvers, "approval.approvers must be given");
        Map<String, List<String>> conditions = new TreeMap<>();
        when.forEach((parameter, values) -> {
            Objects.requireNonNull(parameter, "approval.when must name parameters, but one was null");
            Objects.requireNonNull(values, () -> "approval.when." + parameter + " must list values, but was null");
            values.forEach(v -> Objects.requireNonNull(v, () -> "approval.when." + parameter + " must list values, but one was null"));
            conditions.put(parameter, List.copyOf(values));
        });
        approvers.forEach(a -> Objects.requireNonNull(a, "approval.approvers must name approvers, but one was null"));
        when = Collections.unmodifiableMap(conditions);
        approvers = List.copyOf(approvers);
    }

    /** A policy for every request of the capability version; name its {@link #approvers(String...)}. */
    public static Approval always() {
        return new Approval(Map.of(), List.of(), null);
    }

    /**
     * A policy for the requests whose {@code parameter} has one of {@code values}, such as
     * {@code when("size", "large")}; add conditions with {@link #and}, name its {@link #approvers(String...)}.
     */
    public static Approval when(String parameter, String... values) {
        return always().and(parameter, values);
    }

    /**
     * This policy, applying only when {@code parameter} also has one of {@code values}: every
     * condition must hold. Naming a parameter again replaces its values.
     */
    public Approval and(String parameter, String... values) {
        Objects.requireNonNull(parameter, "approval.when must name parameters, but one was null");
        Map<String, List<String>> conditions = new TreeMap<>(when);
        conditions.put(parameter, Arrays.asList(Objects.requireNonNull(values,
                () -> "approval.when." + parameter + " must list values, but was null")));
        return new Approval(conditions, approvers, expiresAfter);
    }

    /** This policy with these approvers instead: {@code "role:admin"}, {@code "team:dba"}; any one of them decides. */
    public Approval approvers(String... approvers) {
        return approvers(Arrays.asList(Objects.requireNonNull(approvers, "approval.approvers must be given")));
    }

    /** This policy with these approvers instead; any one of them decides. */
    public Approval approvers(List<String> approvers) {
        return new Approval(when, approvers, expiresAfter);
    }

    /** This policy with another wait for the approval (null: the marketplace's default); must be greater than 0. */
    public Approval expiresAfter(Duration expiresAfter) {
        return new Approval(when, approvers, expiresAfter);
    }

    /** As in an offer file: {@code {when: {size: [large]}, approvers: [role:admin], expiresAfter: 2d}}. */
    @Override
    public String toString() {
        List<String> fields = new ArrayList<>();
        if (!when.isEmpty()) {
            fields.add(when.entrySet().stream().map(c -> c.getKey() + ": " + c.getValue())
                    .collect(Collectors.joining(", ", "when: {", "}")));
        }
        fields.add("approvers: " + approvers);
        if (expiresAfter != null) {
            fields.add("expiresAfter: " + Durations.format(expiresAfter));
        }
        return "{" + String.join(", ", fields) + "}";
    }
}
