package io.capmarket.schemas;

import java.util.Optional;

/**
 * The rule of a {@link TeamQuota}, shared by the topology, which enforces it exactly (a request over
 * the quota waits until the team's usage allows it), and the gateway, which refuses a submit early
 * when the usage it last read already says so: a team's resources being provisioned count against
 * its {@code maxLive} too, since each becomes one.
 */
public final class QuotaRules {

    private QuotaRules() {
    }

    /**
     * Why one more request of {@code team} for {@code capability} cannot be provisioned now under
     * {@code quota}, naming the quota, its limit and the usage; empty when it can (or there is no quota).
     *
     * @param live the team's resources of the capability FULFILLED and not yet DEPROVISIONED
     * @param inFlight the team's requests of the capability a producer is provisioning
     */
    public static Optional<String> refusal(TeamQuota quota, int live, int inFlight) {
        if (quota == null) {
            return Optional.empty();
        }
        if (quota.getMaxLive() != null && live + inFlight >= quota.getMaxLive()) {
            return Optional.of("quota maxLive of team " + quota.getTeam() + " for " + quota.getCapability() + " is "
                    + quota.getMaxLive() + ", and it holds " + (live + inFlight) + " (" + live + " live, " + inFlight
                    + " being provisioned)");
        }
        if (quota.getMaxInFlight() != null && inFlight >= quota.getMaxInFlight()) {
            return Optional.of("quota maxInFlight of team " + quota.getTeam() + " for " + quota.getCapability() + " is "
                    + quota.getMaxInFlight() + ", and " + inFlight + " are being provisioned");
        }
        return Optional.empty();
    }

    /** Why a quota is not well formed, naming the field and the rule, or empty when it is: each limit, when set, at least 0. */
    public static Optional<String> quotaRefusal(Integer maxLive, Integer maxInFlight) {
        if (maxLive == null && maxInFlight == null) {
            return Optional.of("a quota sets maxLive, maxInFlight or both");
        }
        if (maxLive != null && maxLive < 0) {
            return Optional.of("maxLive must be 0 or more, but was " + maxLive);
        }
        if (maxInFlight != null && maxInFlight < 0) {
            return Optional.of("maxInFlight must be 0 or more, but was " + maxInFlight);
        }
        return Optional.empty();
    }
}
