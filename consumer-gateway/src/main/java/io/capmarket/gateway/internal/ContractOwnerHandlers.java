package io.capmarket.gateway.internal;

import io.capmarket.schemas.ContractOwnerSetting;
import io.capmarket.schemas.topics.Topics;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /v1/capabilities/{name}/versions/{version}/owner}: the platform admins hand the contract of
 * a capability version (its parameter and output schemas, its description) to another producer
 * ({@code PUT}), or take their handover back ({@code DELETE}), on the compacted
 * {@code contract-owners} topic. Once the topology has read it, the named producer's next offer of
 * the version sets the contract, and every other producer's offers, the former owner's too, keep
 * to it. The version need not be in the catalog: a contract outlives its offers, and the team it is
 * handed to may be the one that brings the version back. This instance cannot see which producers
 * are approved: a handover to a producer the topology refuses leaves the contract as it is, and
 * every other producer's offers held to it, until the admins name another.
 */
public final class ContractOwnerHandlers {

    private static final Principal.Role[] ADMINS = {Principal.Role.ADMIN};

    private final SettingWriter<ContractOwnerSetting> owners;
    private final Clock clock;
    private final long maxRequestSize;
    private final BodyDeadline bodyDeadline;

    /**
     * @param owners writes the {@code contract-owners} topic
     * @param clock stamps each handover
     * @param maxRequestSize largest body accepted, in bytes
     * @param bodyDeadline how long a body may take to arrive in full
     */
    public ContractOwnerHandlers(SettingWriter<ContractOwnerSetting> owners, Clock clock, long maxRequestSize, BodyDeadline bodyDeadline) {
        this.owners = owners;
        this.clock = clock;
        this.maxRequestSize = maxRequestSize;
        this.bodyDeadline = bodyDeadline;
    }

    /**
     * {@code PUT}: hands the contract of a capability version to a producer ({@link ContractOwnerBody}),
     * replacing an earlier handover; 200 with it ({@code capability},
     * {@code version}, {@code producerId}, {@code reason}, {@code setBy}, {@code at}) once Kafka has it.
     */
    public void put(Context ctx) {
        Principal principal = HttpInput.principal(ctx, ADMINS);
        String name = PolicyHandlers.capability(ctx);
        int version = PolicyHandlers.version(ctx);
        ContractOwnerBody body = ContractOwnerBody.parse(HttpInput.jsonBody(ctx, maxRequestSize, bodyDeadline));
        ContractOwnerSetting setting = ContractOwnerSetting.newBuilder().setCapability(name).setCapabilityVersion(version)
                .setProducerId(body.producerId()).setReason(body.reason()).setSetBy(principal.name()).setAt(clock.instant()).build();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("capability", name);
        answer.put("version", version);
        answer.put("producerId", body.producerId());
        answer.put("reason", body.reason());
        answer.put("setBy", setting.getSetBy());
        answer.put("at", setting.getAt().toString());
        ctx.future(() -> Futures.guarded(() -> owners.put(Topics.versionKey(name, version), setting)
                .thenAccept(acked -> ctx.status(200).json(answer))));
    }

    /**
     * {@code DELETE}: takes the admins' handover of a version back (the producer that last set the
     * contract owns it again); 204, also when there was none.
     */
    public void delete(Context ctx) {
        HttpInput.principal(ctx, ADMINS);
        String name = PolicyHandlers.capability(ctx);
        int version = PolicyHandlers.version(ctx);
        ctx.future(() -> Futures.guarded(() -> owners.remove(Topics.versionKey(name, version)).thenAccept(acked -> ctx.status(204))));
    }
}
