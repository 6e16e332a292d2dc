package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class InstanceCallsTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private final Principal admin = new Principal("platform", Principal.Role.ADMIN, "root", false);

    private static InstanceCalls calls(byte[] secret, String deployment, Instant at) {
        return new InstanceCalls(secret, deployment, Duration.ofSeconds(30), Clock.fixed(at, ZoneOffset.UTC));
    }

    @Test
    void anAssertionOfTheDeploymentNamesThePrincipalUntilItExpires() {
        String assertion = calls(SECRET, "gw", T0).sign(admin);

        assertThat(calls(SECRET, "gw", T0.plusSeconds(29)).verify(assertion)).contains(admin);
        assertThat(calls(SECRET, "gw", T0.plusSeconds(31)).verify(assertion)).isEmpty();
        assertThat(assertion).doesNotContain("root").as("the payload is encoded, not a token");
    }

    @Test
    void anotherDeploymentAnotherSecretOrAChangedPayloadIsRefused() {
        String assertion = calls(SECRET, "gw", T0).sign(admin);

        assertThat(calls(SECRET, "other-gw", T0).verify(assertion)).isEmpty();
        assertThat(calls("another secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8), "gw", T0).verify(assertion)).isEmpty();
        String[] parts = assertion.split("\\.");
        String forged = "v1." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("platform", "alpha")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(calls(SECRET, "gw", T0).verify(forged)).isEmpty();
        assertThat(calls(SECRET, "gw", T0).verify("Bearer demo-admin")).isEmpty();
        assertThat(calls(SECRET, "gw", T0).verify(null)).isEmpty();
    }

    @Test
    void aShortSecretIsRefusedAtStart() {
        assertThatThrownBy(() -> calls("short".getBytes(StandardCharsets.UTF_8), "gw", T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes");
    }
}
