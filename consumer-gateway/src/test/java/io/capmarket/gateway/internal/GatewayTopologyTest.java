package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.capmarket.gateway.QuotaExceededException;
import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.LeadTimeFigures;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.TeamUsage;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's topology: its stores keep their names, the admins' approval policies are read
 * into a global table the catalog is shown with, each version beside its policy and each offer
 * beside its producer's, and the quotas and teams' usage into the tables submits are checked against.
 */
class GatewayTopologyTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path stateDir;
    private EmbeddedSchemaRegistry registry;
    private Topics topics;
    private Topology topology;
    private TopologyTestDriver driver;

    @BeforeEach
    void start() {
        registry = EmbeddedSchemaRegistry.builder().build().start();
        topics = Topics.builder().prefix("t.").serdeConfig(Map.of("schema.registry.url", registry.url())).build();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gateway-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        topology = GatewayTopology.build(topics, "gateway-topology-test", status -> { }, new LocalViews());
        driver = new TopologyTestDriver(topology, props);
    }

    @AfterEach
    void stop() {
        driver.close();
        registry.close();
    }

    @Test
    void everyStoreKeepsItsName() {
        Set<String> stores = new TreeSet<>();
        TopologyDescription description = topology.describe();
        description.globalStores().forEach(store -> stores.addAll(store.processor().stores()));
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Processor processor) {
                stores.addAll(processor.stores());
            }
        }));

        assertThat(stores).containsExactly("approval-policies", "catalog", "quotas", "request-decisions", "request-index", "request-views",
                "scorecard", "team-usage");
    }

    @Test
    void aPartitionCountsAsCaughtUpOnlyOnceItsLastStatusIsStored(@TempDir Path ownStateDir) {
        // the partition held one status (offset 0) when its task started
        LocalViews views = new LocalViews(partition -> OptionalLong.of(0), Runnable::run, System::nanoTime);
        List<Boolean> caughtUpWhenStored = new ArrayList<>();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gateway-topology-catch-up-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, ownStateDir.toString());
        try (TopologyTestDriver own = new TopologyTestDriver(
                GatewayTopology.build(topics, "gateway-topology-catch-up-test", stored -> caughtUpWhenStored.add(views.view(0).caughtUp()),
                        views), props)) {
            assertThat(views.view(0).caughtUp()).as("started, nothing read").isFalse();

            own.createInputTopic(topics.requestStatus().name(), Serdes.String().serializer(),
                    topics.requestStatus().valueSerde().serializer()).pipeInput("r1", submitted("r1"));

            assertThat(caughtUpWhenStored).as("not yet caught up while its last status is being stored").containsExactly(false);
            assertThat(views.view(0).caughtUp()).isTrue();
            assertThat(views.view(0).get("r1")).as("a caught-up partition holds it").isPresent();
        }
    }

    @Test
    void theAdminsPolicyOfAVersionIsKeptUntilItsTombstoneAndShownBesideTheProducersOwn() {
        TestInputTopic<String, ApprovalPolicySetting> policies = driver.createInputTopic(topics.approvalPolicies().name(),
                Serdes.String().serializer(), topics.approvalPolicies().valueSerde().serializer());
        ApprovalPolicy admins = ApprovalPolicy.newBuilder().setWhen(Map.of("size", List.of("large"))).setApprovers(List.of("role:admin"))
                .setExpiresAfterMs(null).build();
        String key = Topics.versionKey("postgres-database", 1);

        policies.pipeInput(key, new ApprovalPolicySetting("postgres-database", 1, admins, "root", T0));
        KeyValueStore<String, ApprovalPolicySetting> store = driver.getKeyValueStore(GatewayTopology.APPROVAL_POLICIES);
        assertThat(store.get(key).getPolicy()).isEqualTo(admins);

        ApprovalPolicy producers = ApprovalPolicy.newBuilder().setApprovers(List.of("team:dba")).setExpiresAfterMs(60_000L).build();
        JsonNode shown = CapabilityJson.capability(postgres(producers),
                version -> store.get(Topics.versionKey("postgres-database", version)) == null ? null
                        : store.get(Topics.versionKey("postgres-database", version)).getPolicy());
        assertThat(shown.get("versions").get(0).get("approval").toString())
                .isEqualTo("{\"when\":{\"size\":[\"large\"]},\"approvers\":[\"role:admin\"],\"expiresAfterMs\":null}");
        assertThat(shown.get("versions").get(1).get("approval").isNull()).isTrue();
        assertThat(shown.get("offers").get(0).get("approval").toString())
                .isEqualTo("{\"when\":{},\"approvers\":[\"team:dba\"],\"expiresAfterMs\":60000}");

        policies.pipeInput(key, null);
        assertThat(store.get(key)).as("a tombstone removes it").isNull();
    }

    @Test
    void aTeamsQuotaAndUsageAreReadFromTheirTablesForASubmitAndTheTeamsPageUntilTheQuotasTombstone() {
        TestInputTopic<String, TeamQuota> quotaTopic = driver.createInputTopic(topics.quotas().name(), Serdes.String().serializer(),
                topics.quotas().valueSerde().serializer());
        TestInputTopic<String, TeamUsage> usageTopic = driver.createInputTopic(topics.teamUsage().name(), Serdes.String().serializer(),
                topics.teamUsage().valueSerde().serializer());
        Quotas quotas = new Quotas(new Quotas.Tables() {
            @Override
            public ReadOnlyKeyValueStore<String, TeamQuota> quotas() {
                return driver.getKeyValueStore(GatewayTopology.QUOTAS);
            }

            @Override
            public ReadOnlyKeyValueStore<String, TeamUsage> usage() {
                return driver.getKeyValueStore(GatewayTopology.TEAM_USAGE);
            }
        });
        String key = Topics.quotaKey("alpha", "postgres-database");

        usageTopic.pipeInput(key, new TeamUsage("alpha", "postgres-database", 1, 0, 0, 0, T0));
        quotas.check("alpha", "postgres-database");
        quotaTopic.pipeInput(key, new TeamQuota("alpha", "postgres-database", 1, null, "root", T0));
        // a team whose name starts like alpha's is another team
        quotaTopic.pipeInput(Topics.quotaKey("alpha-2", "redis-cache"), new TeamQuota("alpha-2", "redis-cache", 0, null, "root", T0));
        usageTopic.pipeInput(Topics.quotaKey("alpha", "redis-cache"), new TeamUsage("alpha", "redis-cache", 0, 0, 1, 0, T0));

        assertThatThrownBy(() -> quotas.check("alpha", "postgres-database")).isInstanceOf(QuotaExceededException.class)
                .hasMessage("quota maxLive of team alpha for postgres-database is 1, and it holds 1 (1 live, 0 being provisioned)");
        quotas.check("alpha", "redis-cache");
        quotas.check("beta", "postgres-database");
        assertThat(quotas.usage("alpha")).isEqualTo(new Quotas.TeamUsagePage("alpha", List.of(
                new Quotas.Item("postgres-database", 1, 0, 0, 0, new Quotas.Limits(1, null)),
                new Quotas.Item("redis-cache", 0, 0, 1, 0, null))));
        assertThat(quotas.usage("alpha-2").items()).extracting(Quotas.Item::capability).containsExactly("redis-cache");
        assertThat(quotas.usage("beta").items()).isEmpty();

        quotaTopic.pipeInput(key, null);
        quotas.check("alpha", "postgres-database");
        assertThat(quotas.usage("alpha").items().get(0).quota()).as("a tombstone removes it").isNull();
        assertThat(quotas.queryable()).isTrue();
    }

    private static RequestStatus submitted(String id) {
        return RequestViews.submitted(SubmitRequest.newBuilder().setRequestId(id).setConsumerTeam("alpha")
                .setRequestedBy(new Requester(RequesterKind.HUMAN, "alice")).setCapability("postgres-database").setCapabilityVersion(1)
                .setParameters("{}").setConstraints(Map.of()).setPreferences(Map.of()).setPriority(Priority.NORMAL).setSubmittedAt(T0)
                .build());
    }

    private static CapabilityView postgres(ApprovalPolicy offerPolicy) {
        return CapabilityView.newBuilder().setName("postgres-database").setDescription(null)
                .setVersions(List.of(new CapabilityVersionView(1, "{}", "{}", false, null, null),
                        new CapabilityVersionView(2, "{}", "{}", false, null, null)))
                .setOffers(List.of(OfferView.newBuilder().setOfferId("pg-eu").setProducerId("db-team").setVersion(1)
                        .setStatus(OfferStatus.ACTIVE).setAttributes(Map.of()).setCapacity(1).setInFlight(0).setLeadTimeSloMs(1000)
                        .setProducerLive(true).setObserved(new LeadTimeFigures(0L, null, null)).setApproval(offerPolicy).build()))
                .setUpdatedAt(T0).build();
    }
}
