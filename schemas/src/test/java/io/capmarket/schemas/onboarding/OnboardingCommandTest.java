package io.capmarket.schemas.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.access.AccessPolicy;
import io.capmarket.schemas.onboarding.OnboardingCommand.Action;

import io.capmarket.schemas.onboarding.OnboardingCommand.Invocation;
import io.capmarket.schemas.onboarding.OnboardingCommand.UsageException;
import io.capmarket.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnboardingCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void readsAProducerOnboarding() {
        Invocation invocation = OnboardingCommand.parse(List.of("producer", "onboard", "--producer-id", "db-team",
                "--capabilities", "postgres-database, kafka-topic", "--bootstrap-servers", "kafka:9092", "--out", "db.properties"));

        assertThat(invocation.action()).isEqualTo(Action.PRODUCER_ONBOARD);
        assertThat(invocation.subject()).isEqualTo("db-team");
        assertThat(invocation.capabilities()).containsExactly("postgres-database", "kafka-topic");
        assertThat(invocation.option("--out")).contains("db.properties");
        assertThat(invocation.deleteTopics()).isFalse();
    }

    @Test
    void readsOffboardingsAndTeams() {
        Invocation offboard = OnboardingCommand.parse(List.of("producer", "offboard", "--producer-id", "db-team", "--delete-topics"));
        assertThat(offboard.action()).isEqualTo(Action.PRODUCER_OFFBOARD);
        assertThat(offboard.deleteTopics()).isTrue();

        Invocation team = OnboardingCommand.parse(List.of("team", "onboard", "--team", "payments"));
        assertThat(team.action()).isEqualTo(Action.TEAM_ONBOARD);
        assertThat(team.subject()).isEqualTo("payments");
        assertThat(OnboardingCommand.parse(List.of("team", "offboard", "--team", "payments")).action()).isEqualTo(Action.TEAM_OFFBOARD);
    }

    @Test
    void everyMistakeNamesTheOptionAndTheRule() {
        assertUsage(List.of("producer", "approve"), "unknown command 'producer approve' (expected producer onboard, producer offboard");
        assertUsage(List.of("producer", "onboard", "--capabilities", "x"), "--producer-id is required");
        assertUsage(List.of("producer", "onboard", "--producer-id", "db.team", "--capabilities", "x"),
                "--producer-id: producerId must be 1 to 200 characters");
        assertUsage(List.of("producer", "onboard", "--producer-id", "db-team"), "--capabilities is required");
        assertUsage(List.of("producer", "onboard", "--producer-id", "db-team", "--capabilities", "Postgres"),
                "--capabilities: capability must be a kebab-case name like postgres-database, or '*', but was 'Postgres'");
        assertUsage(List.of("producer", "onboard", "--producer-id", "db-team", "--capabilities", "*,x"),
                "--capabilities: capabilities must be '*' alone");
        assertUsage(List.of("producer", "onboard", "--producer-id"), "--producer-id needs a value");
        assertUsage(List.of("producer", "onboard", "--producer-id", "a", "--producer-id", "b"), "--producer-id may be given once");
        assertUsage(List.of("producer", "onboard", "--producer-id", "a", "--capabilities", "x", "--force"), "unknown option '--force'");
        assertUsage(List.of("producer", "onboard", "--producer-id", "a", "--capabilities", "x", "--delete-topics"),
                "--delete-topics applies only to offboard");
        assertUsage(List.of("producer", "offboard", "--producer-id", "a", "--out", "f"), "--out applies only to onboard");
        assertUsage(List.of("producer", "offboard", "--producer-id", "a", "--capabilities", "x"),
                "--capabilities applies only to producer onboard");
        assertUsage(List.of("team", "onboard", "--producer-id", "a"), "--producer-id does not apply to teams; use --team");
        assertUsage(List.of("team", "onboard", "--team", "pay ments"), "--team: team must be 1 to 200 characters");
        assertUsage(List.of("team", "onboard", "--team", "payments", "--topics-prefix", "bad prefix"), "--topics-prefix:");
        assertUsage(List.of("team", "onboard", "--team", "payments", "--partitions", "0"),
                "--partitions must be a whole number from 1, but was '0'");
        assertUsage(List.of("team", "offboard", "--team", "payments", "--partitions", "2"), "--partitions applies only to onboard");
    }

    @Test
    void readsAPlatformOnboardingWithItsRolesDefaults() {
        Invocation topology = OnboardingCommand.parse(List.of("platform", "onboard", "--role", "topology", "--out", "t.properties"));

        assertThat(topology.action()).isEqualTo(Action.PLATFORM_ONBOARD);
        assertThat(topology.subject()).isEqualTo("capmarket-topology");
        assertThat(topology.role()).contains("topology");
        assertThat(topology.applicationId()).contains("capmarket-topology");
        assertThat(topology.option("--out")).contains("t.properties");
        AccessPolicy policy = topology.policy(Topics.builder().build());
        assertThat(topology.platformPrincipal(policy)).isEqualTo(policy.topology());

        Invocation gateway = OnboardingCommand.parse(List.of("platform", "onboard", "--role", "gateway"));
        assertThat(gateway.subject()).isEqualTo("capmarket-gateway");
        assertThat(gateway.applicationId()).contains("capmarket-gateway");
        assertThat(OnboardingCommand.parse(List.of("producer", "onboard", "--producer-id", "db-team", "--capabilities", "x")).role())
                .isEmpty();
    }

    @Test
    void aPlatformPrincipalsAclsFollowItsNameAndApplicationId() {
        Invocation gateway = OnboardingCommand.parse(List.of("platform", "onboard", "--role", "gateway", "--principal", "gateway-eu",
                "--application-id", "gateway-eu-app", "--topics-prefix", "acme."));

        AccessPolicy policy = gateway.policy(Topics.builder().prefix("acme.").build());

        assertThat(gateway.subject()).isEqualTo("gateway-eu");
        assertThat(gateway.platformPrincipal(policy).kafkaPrincipal()).isEqualTo("User:gateway-eu");
        assertThat(policy.gatewayApplicationId()).isEqualTo("gateway-eu-app");
        assertThat(policy.bindings(policy.gateway())).extracting(binding -> binding.pattern().name())
                .contains("acme.requests", "gateway-eu-app-", "gateway-eu-app");
        assertThat(policy.topology().user()).isEqualTo(AccessPolicy.DEFAULT_TOPOLOGY_USER);
    }

    @Test
    void platformMistakesNameTheOptionAndTheRule() {
        assertUsage(List.of("platform", "onboard"), "--role is required: topology or gateway");
        assertUsage(List.of("platform", "onboard", "--role", "producer"), "--role must be topology or gateway, but was 'producer'");
        assertUsage(List.of("platform", "offboard", "--role", "topology"), "unknown command 'platform offboard' (expected producer "
                + "onboard, producer offboard, team onboard, team offboard or platform onboard)");
        assertUsage(List.of("platform", "onboard", "--role", "topology", "--principal", "producer.db-team"),
                "--principal: topology user must not start with 'producer.' or 'team.'");
        assertUsage(List.of("platform", "onboard", "--role", "topology", "--principal", "capmarket-gateway"),
                "--principal: admin, topology and gateway must be different users, but were 'admin', 'capmarket-gateway' and "
                        + "'capmarket-gateway'");
        assertUsage(List.of("platform", "onboard", "--role", "gateway", "--application-id", "capmarket-topology"),
                "--application-id: the topology's and the gateway's application.id must not be equal");
        assertUsage(List.of("platform", "onboard", "--role", "gateway", "--application-id", "gateway app"),
                "--application-id: gateway application.id must be 1 to 200 characters");
        assertUsage(List.of("platform", "onboard", "--role", "topology", "--producer-id", "db-team"),
                "--producer-id does not apply to platform onboard");
        assertUsage(List.of("platform", "onboard", "--role", "topology", "--capabilities", "x"),
                "--capabilities does not apply to platform onboard");
        assertUsage(List.of("platform", "onboard", "--role", "topology", "--partitions", "3"),
                "--partitions does not apply to platform onboard (it creates no topic");
        assertUsage(List.of("platform", "onboard", "--role", "topology", "--by", "alice"),
                "--by does not apply to platform onboard (it records no approval)");
        assertUsage(List.of("platform", "onboard", "--role", "topology", "--delete-topics"),
                "--delete-topics applies only to producer and team offboard");
        assertUsage(List.of("platform", "onboard", "--role", "topology", "--topics-prefix", "bad prefix"), "--topics-prefix:");
        assertUsage(List.of("producer", "onboard", "--producer-id", "db-team", "--capabilities", "x", "--role", "topology"),
                "--role applies only to platform onboard");
        assertUsage(List.of("team", "offboard", "--team", "payments", "--application-id", "x"),
                "--application-id applies only to platform onboard");
    }

    @Test
    void anOutThatCannotBeWrittenStopsTheCommandBeforeItConnects(@TempDir Path dir) throws Exception {
        Path plainFile = Files.writeString(dir.resolve("plain"), "not a directory");
        for (Path out : List.of(dir, plainFile.resolve("db.properties"))) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int exit = OnboardingCommand.run(new String[] {"producer", "onboard", "--producer-id", "db-team", "--capabilities", "x",
                "--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1", "--out", out.toString()},
                    Map.of(), new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                    new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));

            assertThat(exit).as("a usage error, before any credential changes").isEqualTo(2);
            assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("--out: ");
        }
    }

    @Test
    void thePrincipalTheAdminConnectsAsIsNeverOnboarded(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("admin.properties"), """
                bootstrap.servers=127.0.0.1:1
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="kafka" password="s3cret";
                schema.registry.url=http://127.0.0.1:1
                """);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

        int exit = OnboardingCommand.run(new String[] {"platform", "onboard", "--role", "topology", "--principal", "kafka",
            "--command-config", config.toString()}, Map.of(), new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("--principal: 'kafka' is the user --command-config connects as (sasl.jaas.config)")
                .doesNotContain("s3cret");
    }

    @Test
    void aPlatformPrincipalsRegistryUserComesFromTheCommandConfig(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("admin.properties"), """
                bootstrap.servers=kafka:9092
                schema.registry.url=http://registry:8081
                basic.auth.user.info=admin:adm1n
                capmarket.platform.basic.auth.user.info=capmarket-topology:t0p
                """);
        Invocation invocation = OnboardingCommand.parse(List.of("platform", "onboard", "--role", "topology", "--command-config",
                config.toString()));

        CommandConnection connection = CommandConnection.resolve(invocation, Map.of());

        assertThat(connection.platformRegistryUserInfo()).contains("capmarket-topology:t0p");
        assertThat(connection.clientRegistryUserInfo()).isEmpty();
        assertThat(connection.adminClientConfig()).doesNotContainKey(OnboardingCommand.PLATFORM_REGISTRY_USER_INFO);
        Files.writeString(config, "bootstrap.servers=kafka:9092\nschema.registry.url=http://registry:8081\n"
                + "capmarket.platform.basic.auth.user.info=capmarket-topology\n");
        assertThatThrownBy(() -> CommandConnection.resolve(invocation, Map.of())).isInstanceOf(UsageException.class)
                .hasMessage("capmarket.platform.basic.auth.user.info in --command-config must be user:password");
    }

    @Test
    void theConnectionComesFromFlagsOverTheCommandConfig(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("admin.properties"), """
                bootstrap.servers=file:9092
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=SCRAM-SHA-512
                schema.registry.url=http://file:8081
                basic.auth.user.info=admin:secret
                capmarket.clients.basic.auth.user.info=reader:r3ad
                """);
        Invocation invocation = OnboardingCommand.parse(List.of("team", "onboard", "--team", "payments", "--command-config",
                config.toString(), "--bootstrap-servers", "flag:9092"));

        CommandConnection connection = CommandConnection.resolve(invocation, Map.of());

        assertThat(connection.adminClientConfig()).containsEntry("bootstrap.servers", "flag:9092")
                .containsEntry("security.protocol", "SASL_PLAINTEXT").doesNotContainKeys("schema.registry.url",
                        "basic.auth.user.info", OnboardingCommand.CLIENT_REGISTRY_USER_INFO);
        assertThat(connection.serdeConfig()).containsEntry("schema.registry.url", "http://file:8081")
                .containsEntry("basic.auth.user.info", "admin:secret");
        assertThat(connection.clientRegistryUserInfo()).contains("reader:r3ad");
        assertThat(connection.topicsPrefix()).isEqualTo("capmarket.");
        assertThat(connection.partitions()).isEqualTo(6);
    }

    @Test
    void missingConnectionSettingsExitWith2BeforeConnecting(@TempDir Path dir) {
        assertThat(run("producer", "onboard", "--producer-id", "db-team", "--capabilities", "postgres-database",
                "--bootstrap-servers", "127.0.0.1:1")).isEqualTo(OnboardingCommand.USAGE);
        assertThat(err()).contains("capmarket producer onboard: --schema-registry-url is required (or schema.registry.url in "
                + "--command-config)");

        assertThat(run("team", "offboard", "--team", "payments", "--command-config", dir.resolve("missing").toString()))
                .isEqualTo(OnboardingCommand.USAGE);
        assertThat(err()).contains("--command-config: cannot read");

        assertThat(run("producer", "onboard", "--producer-id", "db-team", "--capabilities", "postgres-database"))
                .isEqualTo(OnboardingCommand.USAGE);
        assertThat(err()).contains("--bootstrap-servers is required (or bootstrap.servers in --command-config)");
    }

    @Test
    void helpIsPrintedAndNothingIsAUsageError() {
        assertThat(run("producer", "--help")).isEqualTo(OnboardingCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: capmarket producer onboard");
        assertThat(run()).isEqualTo(OnboardingCommand.USAGE);
    }

    private void assertUsage(List<String> args, String message) {
        assertThatThrownBy(() -> OnboardingCommand.parse(args)).as(String.join(" ", args))
                .isInstanceOf(UsageException.class).hasMessageContaining(message);
    }

    private int run(String... args) {
        return OnboardingCommand.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
