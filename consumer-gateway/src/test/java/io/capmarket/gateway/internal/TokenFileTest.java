package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final List<TokenFile.Outcome> outcomes = new CopyOnWriteArrayList<>();

    @Test
    void aChangedFileIsInForceAtTheNextCheckWithoutARestart() throws Exception {
        Path file = write("old-secret", "alpha consumer alice", 1);
        TokenFile tokens = tokens(file);
        assertThat(tokens.authenticate("old-secret")).map(Principal::team).contains("alpha");

        write("new-secret", "beta consumer bob", 2);
        assertThat(tokens.authenticate("new-secret")).as("before the next check").isEmpty();
        clock.advance(Duration.ofSeconds(6));

        assertThat(tokens.authenticate("new-secret")).map(Principal::team).contains("beta");
        assertThat(tokens.authenticate("old-secret")).as("a removed token is refused").isEmpty();
        assertThat(outcomes).containsExactly(TokenFile.Outcome.RELOADED);
    }

    @Test
    void aBrokenFileKeepsTheTokensInForceAndIsReportedOnce() throws Exception {
        Path file = write("old-secret", "alpha consumer alice", 1);
        TokenFile tokens = tokens(file);
        Files.writeString(file, "not a token line\n");
        Files.setLastModifiedTime(file, FileTime.from(clock.instant().plusSeconds(2)));
        clock.advance(Duration.ofSeconds(6));

        assertThat(tokens.authenticate("old-secret")).map(Principal::team).contains("alpha");
        clock.advance(Duration.ofSeconds(6));
        assertThat(tokens.authenticate("old-secret")).isPresent();
        assertThat(outcomes).containsExactly(TokenFile.Outcome.FAILED);
    }

    @Test
    void aFileThatDoesNotParseAtStartStopsTheStartNamingTheLine() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# comment\nabc alpha consumer\n");

        assertThatThrownBy(() -> tokens(file)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }

    private TokenFile tokens(Path file) {
        return new TokenFile(file, () -> Tokens.from(file, null, false), Duration.ofSeconds(5), clock, outcomes::add);
    }

    private Path write(String token, String principal, int second) throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, Tokens.hash(token) + " " + principal + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-12-02T09:00:00Z").plusSeconds(second)));
        return file;
    }
}
