package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Lead-time percentiles over a number of samples.
 *
 * @param samples how many durations were measured
 * @param p50Ms the median, in milliseconds; null without samples
 * @param p95Ms the 95th percentile, in milliseconds; null without samples
 */
public record LeadTime(long samples, Long p50Ms, Long p95Ms) {

    static LeadTime from(JsonNode json) {
        return new LeadTime(json.path("samples").asLong(), optionalLong(json.path("p50Ms")), optionalLong(json.path("p95Ms")));
    }

    static Long optionalLong(JsonNode json) {
        return json.isNumber() ? json.asLong() : null;
    }
}
