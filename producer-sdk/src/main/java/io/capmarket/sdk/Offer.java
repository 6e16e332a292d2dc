package io.capmarket.sdk;

import io.capmarket.schemas.OfferStatus;
import io.capmarket.sdk.internal.OfferChecks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A capability offer as a producer team states it: immutable, and valid by construction. The
 * constructor checks every field and throws one {@link InvalidOfferException} listing every problem
 * ("capacity must be greater than 0, but was -3").
 *
 * <pre>{@code
 * Offer offer = Offer.builder()
 *         .offerId("pg16-eu-west")
 *         .capability("postgres-database")
 *         .parameterSchema("{\"type\": \"object\", \"properties\": {\"size\": {\"type\": \"string\"}}}")
 *         .updatableParameters(List.of("size"))
 *         .attribute("region", "eu-west")
 *         .capacity(50)
 *         .leadTime(Duration.ofMinutes(10))
 *         .approval(Approval.when("size", "large").approvers("role:admin"))
 *         .build();
 * }</pre>
 *
 * <p>Rules: {@code offerId} is a stable id unique across producers (letters, digits, '.', '_', '-');
 * {@code capability} is kebab-case; {@code capabilityVersion} is the contract's major version, at
 * least 1; both schemas are JSON Schemas that parse, with a sane {@code type}/{@code properties}/
 * {@code required} shape (they are stored compact); {@code capacity} (requests in flight at most)
 * and {@code leadTime} (the promised p95 from assignment to fulfilment) are greater than 0; a
 * DEPRECATED offer has a {@code sunsetAt}, an ACTIVE one has none; {@code updatableParameters} are
 * distinct non-blank names, each a top-level property of the parameter schema when it declares
 * {@code properties}; a {@code maxTtl}, when given, is greater than 0; an {@code approval}, when
 * given, follows the rules in {@link Approval}. The producer is not part of the offer: the client
 * publishing it stamps its own producerId.
 *
 * @param offerId stable identifier, the key on the offers topic
 * @param capability kebab-case capability name
 * @param capabilityVersion major version of the capability's contract, at least 1
 * @param description one sentence for the catalog, or null
 * @param parameterSchema JSON Schema of a request's parameters (compact JSON)
 * @param outputSchema JSON Schema of the outputs a fulfilment returns (compact JSON)
 * @param attributes what consumers can constrain on (region, tier, cost…), sorted by name
 * @param capacity requests served in flight at most
 * @param leadTime promised p95 lead time
 * @param status ACTIVE, PAUSED, DEPRECATED or RETIRED
 * @param sunsetAt when a DEPRECATED offer will be retired, or null
 * @param updatableParameters the top-level parameters a fulfilled request's resource can be updated
 *     in place to (its handler's {@link AssignmentHandler#onUpdate}), sorted by name; the marketplace
 *     refuses an update that changes any other. Empty (the default): resources are not updated in place
 * @param maxTtl the longest a resource of the offer lives once fulfilled: a request asking for a
 *     longer ttl is not matched to it, one asking for none expires after this; null (the default): no bound
 * @param approval which requests for the capability version wait for an approval, and whose; null
 *     (the default): this producer asks for none (the platform's admins may still)
 */
public record Offer(String offerId, String capability, int capabilityVersion, String description, String parameterSchema,
        String outputSchema, Map<String, String> attributes, int capacity, Duration leadTime, OfferStatus status,
        Instant sunsetAt, List<String> updatableParameters, Duration maxTtl, Approval approval) {

    /** The schema used when none is given: any JSON object. */
    public static final String ANY_OBJECT_SCHEMA = "{\"type\":\"object\"}";

    /** Checks every field; see the class documentation for the rules. */
    public Offer {
        List<String> problems = new ArrayList<>();
        OfferChecks.offerId(offerId).ifPresent(problems::add);
        OfferChecks.capability(capability).ifPresent(problems::add);
        OfferChecks.capabilityVersion(capabilityVersion).ifPresent(problems::add);
        OfferChecks.jsonSchema("parameterSchema", parameterSchema).ifPresent(problems::add);
        OfferChecks.jsonSchema("outputSchema", outputSchema).ifPresent(problems::add);
        OfferChecks.attributes(attributes).ifPresent(problems::add);
        OfferChecks.capacity(capacity).ifPresent(problems::add);
        OfferChecks.leadTime(leadTime).ifPresent(problems::add);
        OfferChecks.status(status, sunsetAt).ifPresent(problems::add);
        OfferChecks.updatableParameters(updatableParameters, parameterSchema).ifPresent(problems::add);
        OfferChecks.maxTtl(maxTtl).ifPresent(problems::add);
        OfferChecks.approval(approval, parameterSchema).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw new InvalidOfferException(offerId == null ? problems
                    : problems.stream().map(p -> "offer " + offerId + ": " + p).toList());
        }
        if (description != null && description.isBlank()) {
            description = null;
        }
        parameterSchema = OfferChecks.compactJson(parameterSchema);
        outputSchema = OfferChecks.compactJson(outputSchema);
        attributes = java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
        updatableParameters = List.copyOf(new TreeSet<>(updatableParameters));
    }

    /** An offer whose resources are not updated in place (no updatable parameters) and live for ever. */
    public Offer(String offerId, String capability, int capabilityVersion, String description, String parameterSchema,
            String outputSchema, Map<String, String> attributes, int capacity, Duration leadTime, OfferStatus status,
            Instant sunsetAt) {
        this(offerId, capability, capabilityVersion, description, parameterSchema, outputSchema, attributes, capacity, leadTime,
                status, sunsetAt, List.of(), null, null);
    }

    /** An offer whose resources live for ever. */
    public Offer(String offerId, String capability, int capabilityVersion, String description, String parameterSchema,
            String outputSchema, Map<String, String> attributes, int capacity, Duration leadTime, OfferStatus status,
            Instant sunsetAt, List<String> updatableParameters) {
        this(offerId, capability, capabilityVersion, description, parameterSchema, outputSchema, attributes, capacity, leadTime,
                status, sunsetAt, updatableParameters, null, null);
    }

    /** An offer asking for no approval. */
    public Offer(String offerId, String capability, int capabilityVersion, String description, String parameterSchema,
            String outputSchema, Map<String, String> attributes, int capacity, Duration leadTime, OfferStatus status,
            Instant sunsetAt, List<String> updatableParameters, Duration maxTtl) {
        this(offerId, capability, capabilityVersion, description, parameterSchema, outputSchema, attributes, capacity, leadTime,
                status, sunsetAt, updatableParameters, maxTtl, null);
    }

    /** Starts an offer: version 1, ACTIVE, any-object schemas, no attributes; capacity and lead time must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this offer's values, to derive a changed offer. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The description, if any. */
    public Optional<String> descriptionIfAny() {
        return Optional.ofNullable(description);
    }

    /** The sunset, if any. */
    public Optional<Instant> sunset() {
        return Optional.ofNullable(sunsetAt);
    }

    /** This offer with another status and sunset (validated again). */
    public Offer withStatus(OfferStatus newStatus, Instant newSunsetAt) {
        return toBuilder().status(newStatus).sunsetAt(newSunsetAt).build();
    }

    /** Collects an offer's fields; {@link #build()} validates them all at once. Not thread-safe. */
    public static final class Builder {

        private String offerId;
        private String capability;
        private int capabilityVersion = 1;
        private String description;
        private String parameterSchema = ANY_OBJECT_SCHEMA;
        private String outputSchema = ANY_OBJECT_SCHEMA;
        private final Map<String, String> attributes = new TreeMap<>();
        private int capacity;
        private Duration leadTime;
        private OfferStatus status = OfferStatus.ACTIVE;
        private Instant sunsetAt;
        private List<String> updatableParameters = List.of();
        private Duration maxTtl;
        private Approval approval;

        private Builder() {
        }

        private Builder(Offer offer) {
            offerId = offer.offerId;
            capability = offer.capability;
            capabilityVersion = offer.capabilityVersion;
            description = offer.description;
            parameterSchema = offer.parameterSchema;
            outputSchema = offer.outputSchema;
            attributes.putAll(offer.attributes);
            capacity = offer.capacity;
            leadTime = offer.leadTime;
            status = offer.status;
            sunsetAt = offer.sunsetAt;
            updatableParameters = offer.updatableParameters;
            maxTtl = offer.maxTtl;
            approval = offer.approval;
        }

        /** The stable offer id, unique across producers. */
        public Builder offerId(String offerId) {
            this.offerId = offerId;
            return this;
        }

        /** The kebab-case capability name. */
        public Builder capability(String capability) {
            this.capability = capability;
            return this;
        }

        /** The contract's major version, default 1. */
        public Builder capabilityVersion(int capabilityVersion) {
            this.capabilityVersion = capabilityVersion;
            return this;
        }

        /** One sentence for the catalog. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** JSON Schema (JSON text) of the request parameters; default any object. */
        public Builder parameterSchema(String parameterSchema) {
            this.parameterSchema = parameterSchema;
            return this;
        }

        /**
         * Replaces the top-level parameters a fulfilled request's resource can be updated in place to;
         * default none. Each must be a property of the parameter schema when it declares properties.
         */
        public Builder updatableParameters(List<String> names) {
            this.updatableParameters = names == null ? null : new ArrayList<>(names);
            return this;
        }

        /** JSON Schema (JSON text) of the outputs; default any object. */
        public Builder outputSchema(String outputSchema) {
            this.outputSchema = outputSchema;
            return this;
        }

        /** Adds one attribute. */
        public Builder attribute(String name, String value) {
            this.attributes.put(name, value);
            return this;
        }

        /** Replaces every attribute. */
        public Builder attributes(Map<String, String> attributes) {
            this.attributes.clear();
            this.attributes.putAll(attributes);
            return this;
        }

        /** Requests in flight at most; must be greater than 0. */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /** The promised p95 lead time; must be greater than 0. */
        public Builder leadTime(Duration leadTime) {
            this.leadTime = leadTime;
            return this;
        }

        /** The status, default ACTIVE. */
        public Builder status(OfferStatus status) {
            this.status = status;
            return this;
        }

        /** The longest a resource lives once fulfilled (null, the default: no bound); must be greater than 0. */
        public Builder maxTtl(Duration maxTtl) {
            this.maxTtl = maxTtl;
            return this;
        }

        /**
         * Which requests for the capability version wait for an approval, and who gives it, such as
         * {@code Approval.when("size", "large").approvers("role:admin")}; null (the default): none.
         * Checked by {@link #build()} against the rules in {@link Approval}.
         */
        public Builder approval(Approval approval) {
            this.approval = approval;
            return this;
        }

        /** When a DEPRECATED offer will be retired. */
        public Builder sunsetAt(Instant sunsetAt) {
            this.sunsetAt = sunsetAt;
            return this;
        }

        /**
         * The offer.
         *
         * @throws InvalidOfferException listing every broken rule
         */
        public Offer build() {
            return new Offer(offerId, capability, capabilityVersion, description, parameterSchema, outputSchema, attributes,
                    capacity, leadTime, status, sunsetAt, updatableParameters, maxTtl, approval);
        }
    }
}
