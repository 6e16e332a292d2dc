package io.capmarket.topology.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.schemas.AvroTrust;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.topology.CapabilityContract;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;

/**
 * Who owns the contract of a capability version, and whether an offer keeps to it.
 *
 * <p>The contract of capability C version V is what consumers of C vV rely on: the parameter
 * schema their requests are validated against, the output schema of what they get back, and the
 * description the catalog shows. It belongs to <b>the first approved producer whose offer for
 * C vV was taken</b>; no administrator has to register capabilities first, and no producer
 * publishing later can take a version over. Only the owner's offers change the contract (its
 * latest offer sets schemas and description). Another producer may offer C vV too, as long as its
 * parameter and output schemas are the contract's, compared as parsed JSON (member order and
 * number notation aside, so the same schema from another SDK or YAML file is accepted); its
 * description does not count, the catalog shows the owner's. An offer whose schemas differ is
 * refused naming the first JSON path that differs; a different contract is a new major version.
 * The contract outlives its owner's offers and approval: a version's promise to its consumers
 * does not move because producers come and go. An owner changing its schemas does not withdraw
 * offers other producers published before; their next publication must match.
 *
 * <p>The platform admins may hand a version's contract to another producer (a team renamed, split
 * or offboarded): while their handover names a producer, that producer owns the contract instead,
 * and its next offer of the version sets it; until then the contract stays as it was, and every
 * other producer's offers, its former owner's included, must keep to it.
 *
 * <p>Pure: no Kafka, no state; the caller keeps the contracts.
 */
public final class CapabilityContracts {

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // copies of generated records with nested records load their classes by name
        AvroTrust.install();
    }

    private CapabilityContracts() {
    }

    /**
     * Why the offer is refused under the contract of its capability version, or empty when it is
     * taken: its schemas must be JSON, and must be the contract's unless its producer owns the
     * contract.
     *
     * @param contract the version's contract, or null when the version has none yet
     * @param handedTo the producer the admins handed the contract to, or null when they named none
     */
    public static Optional<String> refusal(CapabilityContract contract, String handedTo, CapabilityOffer offer) {
        Optional<String> notJson = notJson("parameterSchema", offer.getParameterSchema())
                .or(() -> notJson("outputSchema", offer.getOutputSchema()));
        if (notJson.isPresent()) {
            return notJson.map(problem -> "offer " + offer.getOfferId() + " of " + offer.getProducerId() + ": " + problem);
        }
        if (contract == null || owner(contract, handedTo).equals(offer.getProducerId())) {
            return Optional.empty();
        }
        String holder = owner(contract, handedTo);
        return difference("parameterSchema", contract.getParameterSchema(), offer.getParameterSchema(), contract, holder)
                .or(() -> difference("outputSchema", contract.getOutputSchema(), offer.getOutputSchema(), contract, holder))
                .map(problem -> "offer " + offer.getOfferId() + " of " + offer.getProducerId() + ": " + problem);
    }

    /**
     * Who owns the contract: the producer the admins handed it to, else the one that set it.
     *
     * @param handedTo the producer the admins handed the contract to, or null when they named none
     */
    public static String owner(CapabilityContract contract, String handedTo) {
        return handedTo != null ? handedTo : contract.getProducerId();
    }

    /**
     * The contract once a taken offer is applied: set from the offer when the version has none
     * yet or the offer's producer owns it, else unchanged.
     *
     * @param contract the version's contract, or null when it has none yet
     * @param handedTo the producer the admins handed the contract to, or null when they named none
     * @param now when the offer is taken
     */
    public static CapabilityContract next(CapabilityContract contract, String handedTo, CapabilityOffer offer, Instant now) {
        if (contract != null && !owner(contract, handedTo).equals(offer.getProducerId())) {
            return contract;
        }
        return CapabilityContract.newBuilder()
                .setCapability(offer.getCapability())
                .setVersion(offer.getCapabilityVersion())
                .setProducerId(offer.getProducerId())
                .setOfferId(offer.getOfferId())
                .setParameterSchema(offer.getParameterSchema())
                .setOutputSchema(offer.getOutputSchema())
                .setDescription(offer.getDescription())
                .setUpdatedAt(now)
                .build();
    }

    /**
     * The first place where two JSON texts differ, as a JSON Pointer ({@code ""} for the whole
     * document, {@code /properties/size/enum} deeper), or empty when they are the same JSON.
     * Object members are compared whatever their order (the expected one's first, then members
     * only the actual one has), numbers by value; arrays of different lengths differ at the array,
     * arrays of one length at their first differing element.
     *
     * @throws IllegalArgumentException when either text is not JSON
     */
    public static Optional<String> firstDifference(String expected, String actual) {
        return firstDifference(parse(expected), parse(actual), "");
    }

    private static Optional<String> difference(String field, String expected, String actual, CapabilityContract contract,
            String holder) {
        // both are JSON: the contract was set from an offer whose schemas were checked like this one's
        return firstDifference(expected, actual).map(at -> field + " differs from the contract of " + contract.getCapability() + " v"
                + contract.getVersion() + " held by " + holder + " at "
                + (at.isEmpty() ? "the top level" : at));
    }

    private static Optional<String> notJson(String field, String text) {
        try {
            parse(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(field + " must be a JSON Schema as JSON text, but is not JSON: " + e.getMessage());
        }
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    private static Optional<String> firstDifference(JsonNode expected, JsonNode actual, String at) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0 ? Optional.empty() : Optional.of(at);
        }
        if (expected.isObject() && actual.isObject()) {
            for (Iterator<String> names = expected.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                String member = at + "/" + escape(name);
                if (!actual.has(name)) {
                    return Optional.of(member);
                }
                Optional<String> inner = firstDifference(expected.get(name), actual.get(name), member);
                if (inner.isPresent()) {
                    return inner;
                }
            }
            for (Iterator<String> names = actual.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!expected.has(name)) {
                    return Optional.of(at + "/" + escape(name));
                }
            }
            return Optional.empty();
        }
        if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                return Optional.of(at);
            }
            for (int i = 0; i < expected.size(); i++) {
                Optional<String> inner = firstDifference(expected.get(i), actual.get(i), at + "/" + i);
                if (inner.isPresent()) {
                    return inner;
                }
            }
            return Optional.empty();
        }
        return expected.equals(actual) ? Optional.empty() : Optional.of(at);
    }

    /** RFC 6901: '~' as "~0", '/' as "~1". */
    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
