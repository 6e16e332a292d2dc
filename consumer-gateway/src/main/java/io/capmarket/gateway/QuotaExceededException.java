package io.capmarket.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's team already holds what its quota of the capability allows: answered as 429
 * without {@code Retry-After}, since time alone frees nothing. Nothing of the refused request was
 * done. Submit again once the team has deprovisioned a resource, a provisioning has finished, or an
 * admin has raised the quota ({@code GET /v1/teams/{team}/usage} shows where the team stands).
 * Besides {@code detail}, the problem names the quota ({@code quota}: {@code maxLive} or
 * {@code maxInFlight}), its {@code limit} and the {@code usage} it was held to ({@code live},
 * {@code inFlight}).
 */
public class QuotaExceededException extends GatewayException {

    private static final long serialVersionUID = 1L;

    private final String quota;
    private final int limit;
    private final int live;
    private final int inFlight;

    /**
     * @param detail the rule's words: the team, the capability, the quota, its limit and the usage
     * @param quota the quota reached: {@code maxLive} or {@code maxInFlight}
     * @param limit its limit
     * @param live the team's resources of the capability, live
     * @param inFlight the team's requests of the capability being provisioned
     */
    public QuotaExceededException(String detail, String quota, int limit, int live, int inFlight) {
        super(detail, List.of(), null);
        this.quota = quota;
        this.limit = limit;
        this.live = live;
        this.inFlight = inFlight;
    }

    /** The quota reached: {@code maxLive} or {@code maxInFlight}. */
    public String quota() {
        return quota;
    }

    /** The quota's limit. */
    public int limit() {
        return limit;
    }

    @Override
    public int status() {
        return 429;
    }

    @Override
    public String type() {
        return "quota-exceeded";
    }

    @Override
    public String title() {
        return "The team's quota of the capability is reached";
    }

    @Override
    public Map<String, Object> members() {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("quota", quota);
        members.put("limit", limit);
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("live", live);
        usage.put("inFlight", inFlight);
        members.put("usage", usage);
        return members;
    }
}
