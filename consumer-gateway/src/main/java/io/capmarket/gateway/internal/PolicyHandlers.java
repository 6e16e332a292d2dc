package io.capmarket.gateway.internal;

import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.topics.Topics;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code /v1/capabilities/{name}/versions/{version}/approval}: the platform admins' approval policy
 * of a capability version, set ({@code PUT}) or removed ({@code DELETE}) on the compacted
 * {@code approval-policies} topic. The topology asks for it from the requests submitted from then
 * on; the catalog shows it once it is back in this instance's global table (within moments).
 */
public final class PolicyHandlers {

    private static final Principal.Role[] ADMINS = {Principal.Role.ADMIN};
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

    private final Catalog catalog;
    private final SettingWriter<ApprovalPolicySetting> policies;
    private final Clock clock;
    private final long maxRequestSize;
    private final BodyDeadline bodyDeadline;

    /**
     * @param policies writes the {@code approval-policies} topic
     * @param clock stamps each setting
     * @param maxRequestSize largest body accepted, in bytes
     * @param bodyDeadline how long a body may take to arrive in full
     */
    public PolicyHandlers(Catalog catalog, SettingWriter<ApprovalPolicySetting> policies, Clock clock, long maxRequestSize,
            BodyDeadline bodyDeadline) {
        this.catalog = catalog;
        this.policies = policies;
        this.clock = clock;
        this.maxRequestSize = maxRequestSize;
        this.bodyDeadline = bodyDeadline;
    }

    /**
     * {@code PUT}: sets the policy of a version in the catalog ({@link ApprovalPolicyBody}); 200 with
     * the policy as set ({@code when}, {@code approvers}, {@code expiresAfterMs}) once Kafka has it.
     */
    public void put(Context ctx) {
        Principal principal = HttpInput.principal(ctx, ADMINS);
        String name = capability(ctx);
        int version = version(ctx);
        ApprovalPolicy policy = ApprovalPolicyBody.parse(HttpInput.jsonBody(ctx, maxRequestSize, bodyDeadline));
        catalog.version(name, version);
        ApprovalPolicySetting setting = ApprovalPolicySetting.newBuilder().setCapability(name).setCapabilityVersion(version)
                .setPolicy(policy).setSetBy(principal.name()).setAt(clock.instant()).build();
        ctx.future(() -> Futures.guarded(() -> policies.put(Topics.versionKey(name, version), setting)
                .thenAccept(acked -> ctx.status(200).json(AvroJson.toJson(policy)))));
    }

    /**
     * {@code DELETE}: removes the admins' policy of a version (the producers' own still apply); 204,
     * also when there was none, and for a version that has left the catalog.
     */
    public void delete(Context ctx) {
        HttpInput.principal(ctx, ADMINS);
        String name = capability(ctx);
        int version = version(ctx);
        ctx.future(() -> Futures.guarded(() -> policies.remove(Topics.versionKey(name, version)).thenAccept(acked -> ctx.status(204))));
    }

    /** The capability named in the path, held to the rule of names. */
    static String capability(Context ctx) {
        return Names.capability("name", ctx.pathParam("name"), Names.Place.PATH);
    }

    /** The major version in the path. */
    static int version(Context ctx) {
        String version = ctx.pathParam("version");
        if (!VERSION.matcher(version).matches()) {
            throw new MalformedRequestException("the version in the path is invalid",
                    List.of(new FieldError("version", version, "a major version, an integer from 1")));
        }
        return Integer.parseInt(version);
    }
}
