package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A catalog entry: what can be requested, in which major versions, and who offers it.
 *
 * @param name the kebab-case name, for example {@code postgres-database}
 * @param description what it is
 * @param versions the major versions with their parameter schemas
 * @param offers the producers' offers
 * @param updatedAt when the entry last changed
 * @param json the whole answer, for fields this client does not model
 */
public record Capability(String name, String description, List<Version> versions, List<Offer> offers, Instant updatedAt,
        JsonNode json) {

    /**
     * One major version.
     *
     * @param version the major version
     * @param parameterSchema the JSON Schema a submission's parameters must satisfy
     * @param outputSchema the JSON Schema of a fulfilment's outputs
     * @param deprecated whether new requests should move to another version
     * @param sunset when the version goes away, or null
     * @param contractOwner the owner of the version's contract: the producer the admins handed it
     *     to, else the one whose offer set its schemas and description; null before any offer did
     */
    public record Version(int version, JsonNode parameterSchema, JsonNode outputSchema, boolean deprecated, Instant sunset,
            String contractOwner) {
    }

    /**
     * One producer's offer.
     *
     * @param offerId the offer
     * @param producerId the producer team
     * @param version the major version it serves
     * @param status ACTIVE, PAUSED, DEPRECATED or RETIRED
     * @param attributes what constraints and preferences select on (region, tier, cost...)
     * @param capacity requests in flight at most
     * @param inFlight requests in flight now
     * @param leadTimeSloMs the producer's promise for the 95th percentile lead time, in milliseconds
     * @param producerLive whether the producer's heartbeat is fresh
     * @param observed the lead times measured
     */
    public record Offer(String offerId, String producerId, int version, String status, Map<String, String> attributes, int capacity,
            int inFlight, long leadTimeSloMs, boolean producerLive, LeadTime observed) {
    }

    /** The version {@code version}, if the capability has it. */
    public Optional<Version> version(int version) {
        return versions.stream().filter(v -> v.version() == version).findFirst();
    }

    static Capability from(JsonNode json) {
        List<Version> versions = new ArrayList<>();
        json.path("versions").forEach(v -> versions.add(new Version(v.path("version").asInt(), v.path("parameterSchema"),
                v.path("outputSchema"), v.path("deprecated").asBoolean(), instant(v.path("sunset")),
                v.path("contractOwner").asText(null))));
        List<Offer> offers = new ArrayList<>();
        json.path("offers").forEach(o -> {
            Map<String, String> attributes = new LinkedHashMap<>();
            o.path("attributes").fields().forEachRemaining(a -> attributes.put(a.getKey(), a.getValue().asText()));
            offers.add(new Offer(o.path("offerId").asText(), o.path("producerId").asText(), o.path("version").asInt(),
                    o.path("status").asText(null), Map.copyOf(attributes), o.path("capacity").asInt(), o.path("inFlight").asInt(),
                    o.path("leadTimeSloMs").asLong(), o.path("producerLive").asBoolean(), LeadTime.from(o.path("observed"))));
        });
        return new Capability(json.path("name").asText(), json.path("description").asText(null), List.copyOf(versions),
                List.copyOf(offers), instant(json.path("updatedAt")), json);
    }

    static Instant instant(JsonNode json) {
        return json.isTextual() ? Instant.parse(json.asText()) : null;
    }
}
