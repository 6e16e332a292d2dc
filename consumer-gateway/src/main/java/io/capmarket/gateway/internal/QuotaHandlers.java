package io.capmarket.gateway.internal;

import io.capmarket.gateway.NotFoundException;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.topics.Topics;
import io.javalin.http.Context;
import java.time.Clock;

/**
 * {@code /v1/teams/{team}/quotas/{capability}} and {@code /v1/teams/{team}/usage}: the platform
 * admins' quota of a team on a capability (every version), set ({@code PUT}) or removed
 * ({@code DELETE}) on the compacted {@code quotas} topic, and what the team holds beside its
 * quotas. The topology enforces a quota from the moment it reads it; this instance refuses submits
 * early once it is back in its global table (within moments), see {@link Quotas#check}.
 */
public final class QuotaHandlers {

    private static final Principal.Role[] ADMINS = {Principal.Role.ADMIN};
    private static final Principal.Role[] REQUESTERS = Principal.requesters();

    private final Quotas quotas;
    private final SettingWriter<TeamQuota> writer;
    private final Clock clock;
    private final long maxRequestSize;
    private final BodyDeadline bodyDeadline;

    /**
     * @param quotas reads the quotas and the usage
     * @param writer writes the {@code quotas} topic
     * @param clock stamps each quota
     * @param maxRequestSize largest body accepted, in bytes
     * @param bodyDeadline how long a body may take to arrive in full
     */
    public QuotaHandlers(Quotas quotas, SettingWriter<TeamQuota> writer, Clock clock, long maxRequestSize, BodyDeadline bodyDeadline) {
        this.quotas = quotas;
        this.writer = writer;
        this.clock = clock;
        this.maxRequestSize = maxRequestSize;
        this.bodyDeadline = bodyDeadline;
    }

    /**
     * {@code PUT}: sets the team's quota of the capability, replacing any ({@link QuotaBody}); 200
     * with it ({@code team}, {@code capability}, {@code maxLive}, {@code maxInFlight}) once Kafka has
     * it. The capability need not be in the catalog yet: a quota may be set before a producer offers it.
     */
    public void put(Context ctx) {
        Principal principal = HttpInput.principal(ctx, ADMINS);
        String team = team(ctx);
        String capability = capability(ctx);
        Quotas.Limits limits = QuotaBody.parse(HttpInput.jsonBody(ctx, maxRequestSize, bodyDeadline));
        TeamQuota quota = TeamQuota.newBuilder().setTeam(team).setCapability(capability).setMaxLive(limits.maxLive())
                .setMaxInFlight(limits.maxInFlight()).setSetBy(principal.name()).setAt(clock.instant()).build();
        ctx.future(() -> Futures.guarded(() -> writer.put(Topics.quotaKey(team, capability), quota).thenAccept(acked -> ctx.status(200)
                .json(new Quotas.Quota(team, capability, limits.maxLive(), limits.maxInFlight())))));
    }

    /** {@code DELETE}: removes the team's quota of the capability (no limit from then on); 204, also when there was none. */
    public void delete(Context ctx) {
        HttpInput.principal(ctx, ADMINS);
        String team = team(ctx);
        String capability = capability(ctx);
        ctx.future(() -> Futures.guarded(() -> writer.remove(Topics.quotaKey(team, capability)).thenAccept(acked -> ctx.status(204))));
    }

    /**
     * {@code GET /v1/teams/{team}/usage}: for the team's own callers and admins, what the team holds
     * of each capability and its quota ({@link Quotas.TeamUsagePage}); 404 for another team's caller,
     * as for the team's requests.
     */
    public void usage(Context ctx) {
        Principal principal = HttpInput.principal(ctx, REQUESTERS);
        String team = team(ctx);
        if (!principal.sees(team)) {
            throw new NotFoundException("there is no team " + team + " for you; you see your own team's usage");
        }
        ctx.json(quotas.usage(team));
    }

    private static String team(Context ctx) {
        return Names.team("team", ctx.pathParam("team"), Names.Place.PATH);
    }

    private static String capability(Context ctx) {
        return Names.capability("capability", ctx.pathParam("capability"), Names.Place.PATH);
    }
}
