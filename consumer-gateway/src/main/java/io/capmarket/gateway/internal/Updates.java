package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.ConflictException;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RejectedRequestException;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.ParameterChanges;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.UpdateRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of {@code PATCH /v1/requests/{id}}: a JSON merge patch (RFC 7396) of a FULFILLED
 * request's {@code parameters}, checked against the version's parameter schema and the
 * parameters its offer declares updatable, and/or a new {@code expiresAt} of a live resource,
 * within its offer's {@code maxTtlMs} of its fulfilment, checked before it is sent. The topology
 * checks it again when it applies it, against the request as it stands then, whoever sent it.
 */
public final class Updates {

    /** The members of a request a PATCH may change. */
    static final String PARAMETERS = "parameters";
    static final String EXPIRES_AT = "expiresAt";

    private final Catalog catalog;
    private final ParameterSchemas schemas;
    private final Clock clock;

    public Updates(Catalog catalog, ParameterSchemas schemas, Clock clock) {
        this.catalog = catalog;
        this.schemas = schemas;
        this.clock = clock;
    }

    /**
     * The command that updates the request {@code current} by the merge patch {@code body}, or
     * empty when the patch changes nothing.
     *
     * @throws MalformedRequestException when the body is not a JSON object holding {@code parameters} alone (an object)
     * @throws ConflictException when the request is not FULFILLED, or its offer has left the catalog
     * @throws RejectedRequestException when the new parameters break the version's schema, or change a
     *     parameter the offer does not declare updatable
     */
    public Optional<RequestCommand> command(Principal principal, RequestView current, JsonNode body) {
        Patch patch = Patch.of(body);
        JsonNode parameters = patch.parameters() == null ? current.parameters() : MergePatch.apply(current.parameters(), patch.parameters());
        List<String> changed = ParameterChanges.between(current.parameters(), parameters);
        Instant expiresAt = patch.expiresAt() != null && !patch.expiresAt().toString().equals(current.expiresAt())
                ? patch.expiresAt() : null;
        if (changed.isEmpty() && expiresAt == null) {
            return Optional.empty();
        }
        if (!changed.isEmpty()) {
            checkParameters(current, parameters, changed);
        }
        if (expiresAt != null) {
            checkExpiry(current, expiresAt);
        }
        return Optional.of(new RequestCommand(new UpdateRequest(current.id(), principal.asRequester(), clock.instant(), parameters.toString(),
                current.parameters().toString(), expiresAt)));
    }

    private void checkParameters(RequestView current, JsonNode parameters, List<String> changed) {
        if (!RequestState.FULFILLED.name().equals(current.state())) {
            throw new ConflictException("request " + current.id() + " is " + current.state() + "; only a FULFILLED request is "
                    + "updated" + (RequestState.UPDATING.name().equals(current.state()) ? " (wait for the update going on to end)" : ""));
        }
        CapabilityVersionView version = catalog.version(current.capability(), current.version());
        List<FieldError> violations = schemas.validate(version.getParameterSchema(), parameters);
        if (!violations.isEmpty()) {
            throw new RejectedRequestException("the updated parameters do not satisfy the parameter schema of "
                    + current.capability() + " version " + current.version(), violations);
        }
        List<String> updatable = updatableParameters(current);
        List<FieldError> fixed = new ArrayList<>();
        for (String name : changed) {
            if (!updatable.contains(name)) {
                JsonNode value = parameters.get(name);
                fixed.add(new FieldError(PARAMETERS + "." + name, value == null ? null : value.toString(), updatable.isEmpty()
                        ? "offer " + current.offerId() + " declares no parameter updatable in place"
                        : "offer " + current.offerId() + " declares only " + updatable + " updatable in place"));
            }
        }
        if (!fixed.isEmpty()) {
            throw new RejectedRequestException("the update changes parameters that cannot be updated in place; submit a new "
                    + "request for those", fixed);
        }
    }

    private void checkExpiry(RequestView current, Instant expiresAt) {
        if (!RequestState.FULFILLED.name().equals(current.state()) && !RequestState.UPDATING.name().equals(current.state())) {
            throw new ConflictException("request " + current.id() + " is " + current.state() + "; only a FULFILLED or UPDATING "
                    + "resource's expiry moves");
        }
        if (!expiresAt.isAfter(clock.instant())) {
            throw new RejectedRequestException("expiresAt must be in the future", List.of(new FieldError(EXPIRES_AT,
                    expiresAt.toString(), "an instant after now")));
        }
        Long maxTtlMs = offer(current).getMaxTtlMs();
        Optional<Instant> fulfilledAt = current.history().stream().filter(t -> RequestState.FULFILLED.name().equals(t.state()))
                .map(t -> Instant.parse(t.at())).findFirst();
        if (maxTtlMs != null && fulfilledAt.isPresent() && expiresAt.isAfter(fulfilledAt.get().plusMillis(maxTtlMs))) {
            Instant latest = fulfilledAt.get().plusMillis(maxTtlMs);
            throw new RejectedRequestException("offer " + current.offerId() + " keeps its resources " + Duration.ofMillis(maxTtlMs)
                    + " at most: this one until " + latest, List.of(new FieldError(EXPIRES_AT, expiresAt.toString(),
                    "at most " + latest + " (the offer's maxTtlMs from the fulfilment)")));
        }
    }

    /**
     * A PATCH body: a merge patch of {@code parameters} (an object) and/or a new {@code expiresAt}
     * (an ISO-8601 instant), nothing else.
     */
    private record Patch(JsonNode parameters, Instant expiresAt) {

        static Patch of(JsonNode body) {
            if (body == null || !body.isObject()) {
                throw new MalformedRequestException("the body must be a JSON merge patch object, such as "
                        + "{\"parameters\": {\"size\": \"large\"}}", List.of(new FieldError("body", null, "a JSON object")));
            }
            List<FieldError> errors = new ArrayList<>();
            body.fieldNames().forEachRemaining(name -> {
                if (!name.equals(PARAMETERS) && !name.equals(EXPIRES_AT)) {
                    errors.add(new FieldError(name, body.get(name).toString(), "only " + PARAMETERS + " and " + EXPIRES_AT
                            + " can be changed"));
                }
            });
            JsonNode parameters = body.get(PARAMETERS);
            if (parameters != null && !parameters.isObject()) {
                errors.add(new FieldError(PARAMETERS, parameters.toString(), "a JSON merge patch of the request's parameters, an object"));
            }
            JsonNode expiry = body.get(EXPIRES_AT);
            Instant expiresAt = null;
            if (expiry != null) {
                try {
                    expiresAt = Instant.parse(expiry.asText());
                } catch (DateTimeParseException e) {
                    errors.add(new FieldError(EXPIRES_AT, expiry.toString(), "an ISO-8601 instant, like 2027-01-31T18:00:00Z"));
                }
            }
            if (parameters == null && expiry == null) {
                errors.add(new FieldError(PARAMETERS, null, "a merge patch of parameters, or expiresAt, or both"));
            }
            if (!errors.isEmpty()) {
                throw new MalformedRequestException("the body must hold parameters (a JSON merge patch object) and/or expiresAt, "
                        + "nothing else", errors);
            }
            return new Patch(parameters, expiresAt);
        }
    }

    /** The parameters the request's offer declares updatable, as the catalog has it. */
    private List<String> updatableParameters(RequestView current) {
        return offer(current).getUpdatableParameters();
    }

    /** The request's offer, as the catalog has it. */
    private OfferView offer(RequestView current) {
        return catalog.capability(current.capability()).stream().flatMap(view -> view.getOffers().stream())
                .filter(o -> o.getOfferId().equals(current.offerId())).findFirst()
                .orElseThrow(() -> new ConflictException("offer " + current.offerId() + " of request " + current.id()
                        + " is no longer in the catalog; its resources are not updated in place"));
    }
}
