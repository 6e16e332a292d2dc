package io.capmarket.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A capability's scorecard: speed, safety, efficiency and scalability over a sliding window and
 * all time, overall and per producer.
 *
 * @param capability the capability
 * @param at when the figures were computed
 * @param windowLength the length of the sliding window
 * @param window the figures over the window ending at {@code at}
 * @param allTime the figures since the capability was first offered
 * @param producers each producer's figures, by producerId
 * @param json the whole answer, for figures this client does not model
 */
public record Score(String capability, Instant at, Duration windowLength, Figures window, Figures allTime, List<Producer> producers,
        JsonNode json) {

    /**
     * One producer's figures for the capability.
     *
     * @param producerId the producer team
     * @param window over the sliding window
     * @param allTime since the producer first served the capability
     */
    public record Producer(String producerId, Figures window, Figures allTime) {
    }

    /**
     * The four dimensions over one period.
     *
     * @param submittedToMatched speed: from SUBMITTED to the first MATCHED
     * @param submittedToFulfilled speed: from SUBMITTED to FULFILLED, the lead time the consumer feels
     * @param fulfilled safety: requests fulfilled
     * @param failed safety: requests failed
     * @param sloBreaches safety: work past its offer's lead-time promise
     * @param failureRate safety: failed among finished, from 0 to 1
     * @param utilization efficiency: in flight over capacity, from 0 to 1 (a current figure)
     * @param submitted scalability: requests submitted
     * @param backlog scalability: requests not finished
     */
    public record Figures(LeadTime submittedToMatched, LeadTime submittedToFulfilled, long fulfilled, long failed, long sloBreaches,
            double failureRate, double utilization, long submitted, long backlog) {

        static Figures from(JsonNode json) {
            JsonNode speed = json.path("speed");
            JsonNode safety = json.path("safety");
            JsonNode scalability = json.path("scalability");
            return new Figures(LeadTime.from(speed.path("submittedToMatched")), LeadTime.from(speed.path("submittedToFulfilled")),
                    safety.path("fulfilled").asLong(), safety.path("failed").asLong(), safety.path("sloBreaches").asLong(),
                    safety.path("failureRate").asDouble(), json.path("efficiency").path("utilization").asDouble(),
                    scalability.path("submitted").asLong(), scalability.path("backlog").asLong());
        }
    }

    static Score from(JsonNode json) {
        List<Producer> producers = new ArrayList<>();
        json.path("producers").forEach(p -> producers.add(new Producer(p.path("producerId").asText(), Figures.from(p.path("window")),
                Figures.from(p.path("allTime")))));
        return new Score(json.path("capability").asText(), Capability.instant(json.path("at")),
                Duration.ofMillis(json.path("windowMs").asLong()), Figures.from(json.path("window")), Figures.from(json.path("allTime")),
                List.copyOf(producers), json);
    }
}
