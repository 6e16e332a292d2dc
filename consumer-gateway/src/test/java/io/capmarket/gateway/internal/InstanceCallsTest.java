package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class InstanceCallsTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final byte[] NO_BODY = new byte[0];
    private static final byte[] SUBMIT = "{\"capability\": \"postgres-database\", \"version\": 1}".getBytes(StandardCharsets.UTF_8);
    private final Principal admin = new Principal("platform", Principal.Role.ADMIN, "root", false);

    private static InstanceCalls calls(byte[] secret, String deployment, Instant at) {
        return new InstanceCalls(secret, deployment, Duration.ofSeconds(30), Clock.fixed(at, ZoneOffset.UTC));
    }

    private static Supplier<byte[]> body(byte[] bytes) {
        return () -> bytes;
    }

    @Test
    void anAssertionOfTheDeploymentNamesThePrincipalUntilItExpires() {
        String assertion = calls(SECRET, "gw", T0).sign(admin, "GET", "/a", NO_BODY);

        assertThat(calls(SECRET, "gw", T0.plusSeconds(29)).verify(assertion, "GET", "/a", body(NO_BODY))).contains(admin);
        assertThat(calls(SECRET, "gw", T0.plusSeconds(31)).verify(assertion, "GET", "/a", body(NO_BODY))).isEmpty();
        assertThat(assertion).startsWith("v2.").doesNotContain("root").as("the payload is encoded, not a token");
    }

    @Test
    void anAssertionIsGoodForTheOneCallItWasSignedForOnly() {
        InstanceCalls calls = calls(SECRET, "gw", T0);
        String read = calls.sign(admin, "GET", "/a", NO_BODY);
        String list = calls.sign(admin, "GET", "/a?team=alpha&limit=10", NO_BODY);
        String submit = calls.sign(admin, "POST", "/a", SUBMIT);

        assertThat(calls.verify(read, "GET", "/a", body(NO_BODY))).contains(admin);
        assertThat(calls.verify(read, "GET", "/b", body(NO_BODY))).as("another path").isEmpty();
        assertThat(calls.verify(read, "POST", "/a", body(NO_BODY))).as("another method").isEmpty();
        assertThat(calls.verify(read, "POST", "/a", body(SUBMIT))).as("a read's assertion replayed for a submit").isEmpty();
        assertThat(calls.verify(read, "GET", "/a?team=alpha", body(NO_BODY))).as("a query added").isEmpty();
        assertThat(calls.verify(read, "GET", "/a", body(SUBMIT))).as("a body added").isEmpty();

        assertThat(calls.verify(list, "GET", "/a?team=alpha&limit=10", body(NO_BODY))).contains(admin);
        assertThat(calls.verify(list, "GET", "/a?team=beta&limit=10", body(NO_BODY))).as("another query").isEmpty();
        assertThat(calls.verify(list, "GET", "/a?limit=10&team=alpha", body(NO_BODY))).as("the query reordered").isEmpty();
        assertThat(calls.verify(list, "GET", "/a", body(NO_BODY))).as("the query left out").isEmpty();

        assertThat(calls.verify(submit, "POST", "/a", body(SUBMIT))).contains(admin);
        assertThat(calls.verify(submit, "POST", "/a", body("{\"capability\": \"other\", \"version\": 1}".getBytes(StandardCharsets.UTF_8))))
                .as("another body").isEmpty();
        assertThat(calls.verify(submit, "POST", "/a", body(NO_BODY))).as("the body left out").isEmpty();
        assertThat(calls(SECRET, "gw", T0.plusSeconds(31)).verify(submit, "POST", "/a", body(SUBMIT))).as("expired").isEmpty();
    }

    @Test
    void theBodyIsReadOnlyForAWellSignedAssertionNotExpired() {
        InstanceCalls calls = calls(SECRET, "gw", T0);
        AtomicInteger reads = new AtomicInteger();
        Supplier<byte[]> counted = () -> {
            reads.incrementAndGet();
            return SUBMIT;
        };
        String submit = calls.sign(admin, "POST", "/a", SUBMIT);

        assertThat(calls.verify("v2.forged.assertion", "POST", "/a", counted)).isEmpty();
        assertThat(calls(SECRET, "gw", T0.plusSeconds(31)).verify(submit, "POST", "/a", counted)).isEmpty();
        assertThat(reads).as("bodies read for refused assertions").hasValue(0);
        assertThat(calls.verify(submit, "POST", "/a", counted)).contains(admin);
        assertThat(reads).hasValue(1);
    }

    @Test
    void aVersion1AssertionWhichNamesNoCallIsRefused() throws Exception {
        byte[] payload = String.join("|", "gw", Long.toString(T0.plusSeconds(30).toEpochMilli()), "platform", "ADMIN", "root", "false")
                .getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String v1 = "v1." + base64.encodeToString(payload) + "." + base64.encodeToString(mac.doFinal(payload));
        String v2 = calls(SECRET, "gw", T0).sign(admin, "GET", "/a", NO_BODY);

        assertThat(calls(SECRET, "gw", T0).verify(v1, "GET", "/a", body(NO_BODY))).isEmpty();
        assertThat(calls(SECRET, "gw", T0).verify("v1" + v2.substring(2), "GET", "/a", body(NO_BODY))).as("relabelled").isEmpty();
    }

    @Test
    void anotherDeploymentAnotherSecretOrAChangedPayloadIsRefused() {
        String assertion = calls(SECRET, "gw", T0).sign(admin, "GET", "/a", NO_BODY);

        assertThat(calls(SECRET, "other-gw", T0).verify(assertion, "GET", "/a", body(NO_BODY))).isEmpty();
        assertThat(calls("another secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8), "gw", T0)
                .verify(assertion, "GET", "/a", body(NO_BODY))).isEmpty();
        String[] parts = assertion.split("\\.");
        String forged = "v2." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("platform", "alpha")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(calls(SECRET, "gw", T0).verify(forged, "GET", "/a", body(NO_BODY))).isEmpty();
        assertThat(calls(SECRET, "gw", T0).verify("Bearer demo-admin", "GET", "/a", body(NO_BODY))).isEmpty();
        assertThat(calls(SECRET, "gw", T0).verify(null, "GET", "/a", body(NO_BODY))).isEmpty();
    }

    @Test
    void thePathAndQueryAreTakenAsSentOnTheWire() {
        assertThat(InstanceCalls.pathAndQuery("/internal/v1/requests/a%20b", "team=a%20b&limit=10"))
                .isEqualTo("/internal/v1/requests/a%20b?team=a%20b&limit=10");
        assertThat(InstanceCalls.pathAndQuery("/internal/v1/requests", null)).isEqualTo("/internal/v1/requests");
        assertThat(InstanceCalls.pathAndQuery("/internal/v1/requests", "")).isEqualTo("/internal/v1/requests");
    }

    @Test
    void aShortSecretIsRefusedAtStart() {
        assertThatThrownBy(() -> calls("short".getBytes(StandardCharsets.UTF_8), "gw", T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes");
    }
}
