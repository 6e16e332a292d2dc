package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.OfferView;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/** The API shape of a catalog entry (fields may be added, never renamed). Pure. */
public final class CapabilityJson {

    private CapabilityJson() {
    }

    /**
     * A catalog entry; each version shows {@code approval}, the admins' policy ({@code adminPolicy}
     * of its number, null for none), and each offer its producer's.
     */
    public static ObjectNode capability(CapabilityView view, IntFunction<ApprovalPolicy> adminPolicy) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("name", view.getName());
        node.put("description", view.getDescription());
        ArrayNode versions = node.putArray("versions");
        for (CapabilityVersionView version : view.getVersions()) {
            ObjectNode v = versions.addObject();
            v.put("version", version.getVersion());
            v.set("parameterSchema", schema(version.getParameterSchema()));
            v.set("outputSchema", schema(version.getOutputSchema()));
            v.put("deprecated", version.getDeprecated());
            v.put("sunset", version.getSunsetAt() == null ? null : version.getSunsetAt().toString());
            v.put("contractOwner", version.getContractOwner());
            v.set("approval", AvroJson.toJson(adminPolicy.apply(version.getVersion())));
        }
        ArrayNode offers = node.putArray("offers");
        for (OfferView offer : view.getOffers()) {
            ObjectNode o = offers.addObject();
            o.put("offerId", offer.getOfferId());
            o.put("producerId", offer.getProducerId());
            o.put("version", offer.getVersion());
            o.put("status", offer.getStatus().name());
            o.set("attributes", Json.MAPPER.valueToTree(new TreeMap<>(offer.getAttributes())));
            o.put("capacity", offer.getCapacity());
            o.put("inFlight", offer.getInFlight());
            o.put("leadTimeSloMs", offer.getLeadTimeSloMs());
            o.put("producerLive", offer.getProducerLive());
            o.set("updatableParameters", Json.MAPPER.valueToTree(offer.getUpdatableParameters()));
            if (offer.getMaxTtlMs() != null) {
                o.put("maxTtlMs", offer.getMaxTtlMs());
            } else {
                o.putNull("maxTtlMs");
            }
            o.set("approval", AvroJson.toJson(offer.getApproval()));
            o.set("probation", AvroJson.toJson(offer.getProbation()));
            ObjectNode observed = o.putObject("observed");
            observed.put("samples", offer.getObserved().getSamples());
            observed.put("p50Ms", offer.getObserved().getP50Ms());
            observed.put("p95Ms", offer.getObserved().getP95Ms());
        }
        node.put("updatedAt", view.getUpdatedAt().toString());
        return node;
    }

    /** Whether an entry matches a name prefix and every {@code attribute=value} (on any of its offers). */
    public static boolean matches(CapabilityView view, String prefix, Map<String, String> attributes) {
        if (prefix != null && !view.getName().startsWith(prefix)) {
            return false;
        }
        return attributes.isEmpty() || view.getOffers().stream()
                .anyMatch(offer -> attributes.entrySet().stream()
                        .allMatch(a -> a.getValue().equals(offer.getAttributes().get(a.getKey()))));
    }

    private static JsonNode schema(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }
}
