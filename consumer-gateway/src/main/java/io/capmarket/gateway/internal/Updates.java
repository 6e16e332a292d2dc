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
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.UpdateRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of {@code PATCH /v1/requests/{id}}: a JSON merge patch (RFC 7396) of a FULFILLED
 * request's {@code parameters}, checked against the version's parameter schema and the
 * parameters its offer declares updatable before it is sent. The topology checks it again when
 * it applies it, against the request as it stands then, whoever sent it.
 */
public final class Updates {

    /** The one member of a request a PATCH may change. */
    static final String PARAMETERS = "parameters";

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
        JsonNode patch = parametersPatch(body);
        if (!RequestState.FULFILLED.name().equals(current.state())) {
            throw new ConflictException("request " + current.id() + " is " + current.state() + "; only a FULFILLED request is "
                    + "updated" + (RequestState.UPDATING.name().equals(current.state()) ? " (wait for the update going on to end)" : ""));
        }
        JsonNode parameters = MergePatch.apply(current.parameters(), patch);
        List<String> changed = ParameterChanges.between(current.parameters(), parameters);
        if (changed.isEmpty()) {
            return Optional.empty();
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
        Requester requester = new Requester(principal.bot() ? RequesterKind.BOT : RequesterKind.HUMAN, principal.name());
        return Optional.of(new RequestCommand(new UpdateRequest(current.id(), requester, clock.instant(), parameters.toString(),
                current.parameters().toString())));
    }

    /** The {@code parameters} member of a PATCH body, which must be its only one, and an object. */
    private static JsonNode parametersPatch(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new MalformedRequestException("the body must be a JSON merge patch object, such as "
                    + "{\"parameters\": {\"size\": \"large\"}}", List.of(new FieldError("body", null, "a JSON object")));
        }
        List<FieldError> others = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals(PARAMETERS)) {
                others.add(new FieldError(name, body.get(name).toString(), "only " + PARAMETERS + " can be changed"));
            }
        });
        JsonNode patch = body.get(PARAMETERS);
        if (patch == null || !patch.isObject()) {
            others.add(new FieldError(PARAMETERS, patch == null ? null : patch.toString(),
                    "required: a JSON merge patch of the request's parameters, an object"));
        }
        if (!others.isEmpty()) {
            throw new MalformedRequestException("the body must hold parameters alone, a JSON merge patch object", others);
        }
        return patch;
    }

    /** The parameters the request's offer declares updatable, as the catalog has it. */
    private List<String> updatableParameters(RequestView current) {
        Optional<OfferView> offer = catalog.capability(current.capability()).stream().flatMap(view -> view.getOffers().stream())
                .filter(o -> o.getOfferId().equals(current.offerId())).findFirst();
        if (offer.isEmpty()) {
            throw new ConflictException("offer " + current.offerId() + " of request " + current.id() + " is no longer in the catalog; "
                    + "its resources are not updated in place");
        }
        return offer.get().getUpdatableParameters();
    }
}
