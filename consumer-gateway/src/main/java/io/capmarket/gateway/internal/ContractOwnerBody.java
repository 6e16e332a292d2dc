package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RejectedRequestException;
import io.capmarket.schemas.onboarding.ProducerNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The body of {@code PUT /v1/capabilities/{name}/versions/{version}/owner}:
 * {@code {"producerId": "db-platform", "reason": "db-team became db-platform"}}, the producer named as
 * Kafka knows it ({@link ProducerNames#requireProducerId}) and a reason, optional, of at most
 * {@value #MAX_REASON_LENGTH} characters. Pure.
 *
 * @param producerId the producer handed the contract
 * @param reason why, or null
 */
public record ContractOwnerBody(String producerId, String reason) {

    static final String PRODUCER_ID = "producerId";
    static final String REASON = "reason";
    static final int MAX_REASON_LENGTH = 1_000;

    private static final List<String> FIELDS = List.of(PRODUCER_ID, REASON);

    /**
     * The handover a body asks for.
     *
     * @throws MalformedRequestException when the body is not an object of {@value #PRODUCER_ID}, a string, and
     *     {@value #REASON}, a string or null, naming each member that is not
     * @throws RejectedRequestException when the producerId breaks the rule of producer ids or the reason is too long,
     *     naming the member and the rule
     */
    public static ContractOwnerBody parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new MalformedRequestException("the body names the contract's new owner, such as {\"producerId\": \"db-platform\"}",
                    List.of(new FieldError("body", body == null ? null : body.toString(), "a JSON object")));
        }
        List<FieldError> errors = new ArrayList<>();
        BodyMembers.refuseOthers(body, FIELDS, errors);
        JsonNode producerId = body.get(PRODUCER_ID);
        if (producerId == null || !producerId.isTextual()) {
            errors.add(new FieldError(PRODUCER_ID, producerId == null ? null : producerId.toString(),
                    "required: the producer's id, a string"));
        }
        JsonNode reason = body.get(REASON);
        if (reason != null && !reason.isNull() && !reason.isTextual()) {
            errors.add(new FieldError(REASON, reason.toString(), "a string saying why, or null"));
        }
        if (!errors.isEmpty()) {
            throw new MalformedRequestException(errors.size() == 1 ? "the handover has an invalid member: " + errors.get(0).field()
                    : "the handover has " + errors.size() + " invalid members", errors);
        }
        Optional<String> problem = ProducerNames.producerIdProblem(producerId.textValue());
        if (problem.isPresent()) {
            throw new RejectedRequestException("the producerId breaks the rule of producer ids: " + problem.get(),
                    List.of(new FieldError(PRODUCER_ID, producerId.textValue(), problem.get())));
        }
        String why = reason == null || reason.isNull() || reason.textValue().isBlank() ? null : reason.textValue().trim();
        if (why != null && why.length() > MAX_REASON_LENGTH) {
            throw new RejectedRequestException("the reason has " + why.length() + " characters; at most " + MAX_REASON_LENGTH
                    + " are kept", List.of(new FieldError(REASON, why.substring(0, why.offsetByCodePoints(0, 40)) + "...",
                            "at most " + MAX_REASON_LENGTH + " characters")));
        }
        return new ContractOwnerBody(producerId.textValue(), why);
    }
}
