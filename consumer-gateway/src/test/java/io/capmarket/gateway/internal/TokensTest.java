package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {

    @Test
    void tokensAreKnownByTheirHashOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# team tokens\n" + Tokens.hash("s3cret") + "  alpha consumer alice\n\n"
                + Tokens.hash("ci") + " alpha consumer alpha-ci bot # the CI bot\n");

        Tokens tokens = Tokens.from(file, Tokens.hash("root") + " platform admin", false);

        assertThat(Files.readString(file)).doesNotContain("s3cret");
        assertThat(tokens.size()).isEqualTo(3);
        assertThat(tokens.authenticate("s3cret")).contains(new Principal("alpha", Principal.Role.CONSUMER, "alice", false));
        assertThat(tokens.authenticate("ci")).contains(new Principal("alpha", Principal.Role.CONSUMER, "alpha-ci", true));
        assertThat(tokens.authenticate("root").orElseThrow().admin()).isTrue();
        assertThat(tokens.authenticate("s3cret ")).isEmpty();
        assertThat(tokens.authenticate(Tokens.hash("s3cret"))).as("the hash is not a token").isEmpty();
    }

    @Test
    void demoTokensExistOnlyInDevMode() {
        assertThat(Tokens.from(null, null, false).authenticate(Tokens.DEMO_CONSUMER_TOKEN)).isEmpty();
        Tokens dev = Tokens.from(null, null, true);
        assertThat(dev.authenticate(Tokens.DEMO_CONSUMER_TOKEN).orElseThrow().team()).isEqualTo("demo-app");
        assertThat(dev.authenticate(Tokens.DEMO_ADMIN_TOKEN).orElseThrow().role()).isEqualTo(Principal.Role.ADMIN);
    }

    @Test
    void aBadLineIsRefusedNamingWhereAndTheRule() {
        assertThatThrownBy(() -> Tokens.from(null, Tokens.hash("a") + " alpha consumer;" + Tokens.hash("b") + " beta superuser", false))
                .hasMessageContaining("auth.tokens entry 2").hasMessageContaining("role was 'superuser'");
        assertThatThrownBy(() -> Tokens.from(null, Tokens.hash("b") + " beta superuser", false))
                .hasMessageContaining("with role one of consumer, producer, approver, admin");
        assertThatThrownBy(() -> Tokens.from(null, "plaintext alpha consumer", false))
                .hasMessageContaining("auth.tokens entry 1").hasMessageContaining("64 hex digits");
    }

    @Test
    void anApproverTokenActsForItsTeam() {
        Tokens tokens = Tokens.from(null, Tokens.hash("d3cide") + " dba approver dana", false);

        Principal dana = tokens.authenticate("d3cide").orElseThrow();

        assertThat(dana).isEqualTo(new Principal("dba", Principal.Role.APPROVER, "dana", false));
        assertThat(dana.requester()).isTrue();
        assertThat(dana.sees("dba")).isTrue();
        assertThat(dana.sees("alpha")).isFalse();
        assertThat(dana.role().label()).isEqualTo("approver");
    }

    @Test
    void principalsSeeTheirOwnTeamAndAdminsSeeAll() {
        assertThat(new Principal("db-team", Principal.Role.PRODUCER, "p", false).sees("db-team"))
                .as("a producer reads no team's requests, even one named like it").isFalse();
        assertThat(new Principal("alpha", Principal.Role.CONSUMER, "a", false).sees("alpha")).isTrue();
        assertThat(new Principal("alpha", Principal.Role.CONSUMER, "a", false).sees("beta")).isFalse();
        assertThat(new Principal("platform", Principal.Role.ADMIN, "r", false).sees("beta")).isTrue();
    }
}
