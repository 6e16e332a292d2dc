package io.capmarket.topology.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link Replay} found: per capability and overall, the recorded figures beside the
 * simulated ones; how each offer was used; how many requests were decided as recorded; and the
 * assumptions the simulation made. {@link #render()} prints it.
 *
 * @param from the window's start
 * @param to the window's end
 * @param change the change replayed, in words
 * @param overall every capability together
 * @param capabilities each capability with a request in the window, by name
 * @param offers each offer of the capabilities requested in the window, recorded or added, by capability and offerId
 * @param decisions the requests decided as recorded
 * @param assumptions what the simulation took for what the log cannot say
 */
public record ReplayReport(Instant from, Instant to, List<String> change, Figures overall, List<Figures> capabilities,
        List<OfferUse> offers, Decisions decisions, List<String> assumptions) {

    public ReplayReport {
        change = List.copyOf(change);
        capabilities = List.copyOf(capabilities);
        offers = List.copyOf(offers);
        assumptions = List.copyOf(assumptions);
    }

    /** The report as the command line prints it. */
    public String render() {
        return ReplayText.render(this);
    }

    /**
     * The figures of one side (recorded or simulated) over the window; a request's life is cut at
     * the window's end.
     *
     * @param requests submitted in the window
     * @param fulfilled of them, fulfilled by the window's end
     * @param failed of them, failed or rejected for good by the window's end
     * @param open of them, neither fulfilled, failed, rejected nor cancelled by the window's end
     * @param leadTimeP50 submission to FULFILLED, median; empty when none was fulfilled
     * @param leadTimeP95 submission to FULFILLED, 95th percentile
     * @param waitP50 submission to the first match (to its end, for a request never matched), median
     * @param waitP95 the same, 95th percentile
     * @param reassignments matches after the first (a producer rejected, failed or did not accept)
     * @param utilisation the offers' capacity held by work, as a share of their capacity over the window
     */
    public record Side(int requests, int fulfilled, int failed, int open, Optional<Duration> leadTimeP50,
            Optional<Duration> leadTimeP95, Optional<Duration> waitP50, Optional<Duration> waitP95, int reassignments,
            double utilisation) {
    }

    /** One scope's figures: a capability's, or {@code *} for every capability. */
    public record Figures(String scope, Side recorded, Side simulated) {
    }

    /**
     * How one offer was used.
     *
     * @param recordedMatches matches to the offer recorded
     * @param simulatedMatches matches to the offer in the simulation
     * @param recordedUtilisation its capacity held by work, recorded (0 when it has no capacity)
     * @param simulatedUtilisation the same, simulated
     */
    public record OfferUse(String capability, String offerId, int recordedMatches, int simulatedMatches,
            double recordedUtilisation, double simulatedUtilisation) {
    }

    /**
     * How the simulated decisions compare with the recorded ones: a request is decided as recorded
     * when it was matched to the same offers at the same attempts and waited at the same steps.
     *
     * @param requests requests compared
     * @param same of them, decided as recorded
     * @param differing the first requests decided otherwise (at most {@value Decisions#LISTED}), by requestId
     */
    public record Decisions(int requests, int same, List<String> differing) {

        /** Differing requests listed at most. */
        public static final int LISTED = 5;

        public Decisions {
            differing = List.copyOf(differing);
        }
    }
}
