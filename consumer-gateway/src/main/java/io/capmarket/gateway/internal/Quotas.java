package io.capmarket.gateway.internal;

import io.capmarket.gateway.QuotaExceededException;
import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.QuotaRules;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The admins' quotas and each team's usage, as this instance's global tables have them
 * ({@link GatewayTopology#QUOTAS}, {@link GatewayTopology#TEAM_USAGE}): complete on every
 * instance, never forwarded. A submit is refused early ({@link #check}) when the usage the
 * topology last published already says the team's quota does not allow one more; the topology
 * still enforces the quota exactly, holding back what two instances let through at one instant.
 */
public final class Quotas {

    /** Where the two tables are read: a running application's global stores, or a test's. */
    public interface Tables {

        /** The admins' quotas by {@code <team>/<capability>}. */
        ReadOnlyKeyValueStore<String, TeamQuota> quotas();

        /** The teams' usage by {@code <team>/<capability>}. */
        ReadOnlyKeyValueStore<String, TeamUsage> usage();

        /** The global stores of {@code streams}. */
        static Tables of(KafkaStreams streams) {
            return new Tables() {
                @Override
                public ReadOnlyKeyValueStore<String, TeamQuota> quotas() {
                    return streams.store(StoreQueryParameters.fromNameAndType(GatewayTopology.QUOTAS,
                            QueryableStoreTypes.<String, TeamQuota>keyValueStore()));
                }

                @Override
                public ReadOnlyKeyValueStore<String, TeamUsage> usage() {
                    return streams.store(StoreQueryParameters.fromNameAndType(GatewayTopology.TEAM_USAGE,
                            QueryableStoreTypes.<String, TeamUsage>keyValueStore()));
                }
            };
        }
    }

    /**
     * A quota as the API shows it.
     *
     * @param maxLive resources the team may hold, those being provisioned included; null: no limit
     * @param maxInFlight requests of the team a producer may be provisioning at once; null: no limit
     */
    public record Limits(Integer maxLive, Integer maxInFlight) {
    }

    /**
     * A quota as {@code PUT /v1/teams/{team}/quotas/{capability}} answers it.
     *
     * @param team the team it binds
     * @param capability the capability, every version
     */
    public record Quota(String team, String capability, Integer maxLive, Integer maxInFlight) {
    }

    /**
     * What a team holds of one capability, and its quota.
     *
     * @param live resources FULFILLED and not yet DEPROVISIONED
     * @param inFlight requests a producer is provisioning
     * @param waiting requests waiting for capacity or for the quota
     * @param pendingApproval requests waiting for approvals
     * @param quota the quota; null when there is none
     */
    public record Item(String capability, int live, int inFlight, int waiting, int pendingApproval, Limits quota) {
    }

    /** {@code GET /v1/teams/{team}/usage}: every capability the team holds something of or has a quota for, by name. */
    public record TeamUsagePage(String team, List<Item> items) {
    }

    private static final StringSerializer KEYS = new StringSerializer();

    private final Tables tables;

    public Quotas(Tables tables) {
        this.tables = tables;
    }

    /**
     * Refuses one more request of {@code team} for {@code capability} when its quota, against the
     * usage last published, does not allow it ({@link QuotaRules#refusal}). Without a quota this is
     * one lookup in memory; without a published usage (the team holds nothing yet) it allows.
     *
     * @throws QuotaExceededException naming the quota, its limit and the usage
     * @throws RetryLaterException when the tables are being restored
     */
    public void check(String team, String capability) {
        String key = Topics.quotaKey(team, capability);
        try {
            TeamQuota quota = tables.quotas().get(key);
            if (quota == null) {
                return;
            }
            TeamUsage usage = tables.usage().get(key);
            Optional<QuotaExceededException> refusal = refusal(quota, usage);
            if (refusal.isPresent()) {
                throw refusal.get();
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    /** What {@code team} holds of every capability it has usage or a quota of. */
    public TeamUsagePage usage(String team) {
        String prefix = Topics.quotaKey(team, "");
        Map<String, TeamQuota> quotas = new TreeMap<>();
        Map<String, TeamUsage> usage = new TreeMap<>();
        try (KeyValueIterator<String, TeamQuota> q = tables.quotas().prefixScan(prefix, KEYS);
             KeyValueIterator<String, TeamUsage> u = tables.usage().prefixScan(prefix, KEYS)) {
            q.forEachRemaining(entry -> quotas.put(entry.key.substring(prefix.length()), entry.value));
            u.forEachRemaining(entry -> usage.put(entry.key.substring(prefix.length()), entry.value));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return page(team, quotas, usage);
    }

    /** Whether the tables answer (readiness). */
    public boolean queryable() {
        try {
            tables.quotas().approximateNumEntries();
            tables.usage().approximateNumEntries();
            return true;
        } catch (InvalidStateStoreException e) {
            return false;
        }
    }

    /**
     * Why one more request cannot be provisioned under {@code quota} given {@code usage}, as the
     * problem the submit is answered with; empty when it can, or when no usage is known.
     */
    static Optional<QuotaExceededException> refusal(TeamQuota quota, TeamUsage usage) {
        if (quota == null || usage == null) {
            return Optional.empty();
        }
        return QuotaRules.refusal(quota, usage.getLive(), usage.getInFlight()).map(detail -> {
            // the rule's words start with the quota they name: "quota maxLive of team ..."
            boolean live = detail.startsWith("quota maxLive ");
            return new QuotaExceededException(detail, live ? "maxLive" : "maxInFlight",
                    live ? quota.getMaxLive() : quota.getMaxInFlight(), usage.getLive(), usage.getInFlight());
        });
    }

    /** The page of a team: one item per capability of either map (keyed by capability), by name. */
    static TeamUsagePage page(String team, Map<String, TeamQuota> quotas, Map<String, TeamUsage> usage) {
        TreeMap<String, Item> items = new TreeMap<>();
        usage.forEach((capability, u) -> items.put(capability, new Item(capability, u.getLive(), u.getInFlight(), u.getWaiting(),
                u.getPendingApproval(), limits(quotas.get(capability)))));
        quotas.forEach((capability, quota) -> items.putIfAbsent(capability, new Item(capability, 0, 0, 0, 0, limits(quota))));
        return new TeamUsagePage(team, List.copyOf(items.values()));
    }

    private static Limits limits(TeamQuota quota) {
        return quota == null ? null : new Limits(quota.getMaxLive(), quota.getMaxInFlight());
    }

    private static RetryLaterException unavailable(Exception cause) {
        return new RetryLaterException("the quotas are being restored; retry shortly", RequestStore.RETRY_AFTER, cause);
    }
}
