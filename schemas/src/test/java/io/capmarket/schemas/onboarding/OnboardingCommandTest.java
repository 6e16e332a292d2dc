package io.capmarket.schemas.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.onboarding.OnboardingCommand.Action;
import io.capmarket.schemas.onboarding.OnboardingCommand.Connection;
import io.capmarket.schemas.onboarding.OnboardingCommand.Invocation;
import io.capmarket.schemas.onboarding.OnboardingCommand.UsageException;
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

        Connection connection = Connection.resolve(invocation, Map.of());

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
