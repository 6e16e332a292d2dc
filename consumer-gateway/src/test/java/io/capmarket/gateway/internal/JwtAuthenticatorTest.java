package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.capmarket.gateway.RetryLaterException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens minted here with keys made here, checked against a JWKS this test serves over HTTP, as an
 * identity provider would.
 */
class JwtAuthenticatorTest {

    private static final String ISSUER = "https://login.example.test/realms/platform";
    private static final String AUDIENCE = "capmarket";

    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private HttpServer jwks;
    private RSAKey rsa;
    private ECKey ec;
    private JwtAuthenticator jwt;

    @BeforeEach
    void identityProvider() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        published.addAll(List.of(rsa.toPublicJWK(), ec.toPublicJWK()));
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/keys", exchange -> {
            byte[] body = new JWKSet(List.copyOf(published)).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        jwt = new JwtAuthenticator(settings("http://127.0.0.1:" + jwks.getAddress().getPort() + "/keys"), Duration.ofMillis(1));
    }

    @AfterEach
    void stop() {
        jwks.stop(0);
    }

    private static JwtAuthenticator.Settings settings(String url) {
        return new JwtAuthenticator.Settings(URI.create(url), ISSUER, AUDIENCE, Duration.ofSeconds(30), "team", "capmarket_role",
                "sub", "bot");
    }

    @Test
    void aTokenSignedByTheProvidersKeyNamesItsTeamRoleAndName() throws Exception {
        assertThat(jwt.authenticate(rs256(claims(c -> c)))).contains(new Principal("alpha", Principal.Role.CONSUMER, "alice", false));
        assertThat(jwt.authenticate(es256(claims(c -> c.claim("team", "beta").claim("capmarket_role", "admin").claim("bot", true)))))
                .contains(new Principal("beta", Principal.Role.ADMIN, "alice", true));
        assertThat(jwt.authenticate(rs256(claims(c -> c.claim("capmarket_role", "approver")))))
                .contains(new Principal("alpha", Principal.Role.APPROVER, "alice", false));
    }

    @Test
    void anotherIssuerOrAudienceIsRefused() throws Exception {
        assertThat(jwt.authenticate(rs256(claims(c -> c.issuer("https://evil.example.test"))))).isEmpty();
        assertThat(jwt.authenticate(rs256(claims(c -> c.audience("someone-else"))))).isEmpty();
    }

    @Test
    void validityIsCheckedWithTheClockSkew() throws Exception {
        Instant now = Instant.now();
        assertThat(jwt.authenticate(rs256(claims(c -> c.expirationTime(Date.from(now.minusSeconds(120))))))).isEmpty();
        assertThat(jwt.authenticate(rs256(claims(c -> c.expirationTime(Date.from(now.minusSeconds(10))))))).as("within the skew")
                .isPresent();
        assertThat(jwt.authenticate(rs256(claims(c -> c.notBeforeTime(Date.from(now.plusSeconds(300))))))).isEmpty();
        assertThat(jwt.authenticate(rs256(claims(c -> c.expirationTime(null))))).as("a token without exp").isEmpty();
    }

    @Test
    void aKeyTheProviderDoesNotPublishAnUnsignedTokenAndASharedSecretAreRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims(c -> c));
        forged.sign(new RSASSASigner(stranger));
        assertThat(jwt.authenticate(forged.serialize())).as("same key id, another key").isEmpty();

        assertThat(jwt.authenticate(new PlainJWT(claims(c -> c)).serialize())).as("alg none").isEmpty();

        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims(c -> c));
        hmac.sign(new MACSigner(rsa.toPublicJWK().toRSAPublicKey().getEncoded()));
        assertThat(jwt.authenticate(hmac.serialize())).as("the public key used as an HMAC secret").isEmpty();
    }

    @Test
    void aTokenWithoutTeamOrWithAnUnknownRoleIsRefused() throws Exception {
        assertThat(jwt.authenticate(rs256(claims(c -> c.claim("team", null))))).isEmpty();
        assertThat(jwt.authenticate(rs256(claims(c -> c.claim("capmarket_role", "superuser"))))).isEmpty();
        assertThat(jwt.authenticate(rs256(claims(c -> c.claim("team", "a team with spaces"))))).isEmpty();
    }

    @Test
    void aRotatedKeyIsFetchedWhenATokenNamesIt() throws Exception {
        assertThat(jwt.authenticate(rs256(claims(c -> c)))).isPresent();
        RSAKey next = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        published.add(next.toPublicJWK());

        SignedJWT rotated = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-2").type(JOSEObjectType.JWT).build(),
                claims(c -> c));
        rotated.sign(new RSASSASigner(next));

        assertThat(jwt.authenticate(rotated.serialize())).isPresent();
    }

    @Test
    void madeUpKeyIdsOneAfterAnotherAreRefusedNotRetryLaterAndTheProvidersKeyStillCounts() throws Exception {
        // keys fetched again at most every 30 s, as in production: the second made-up key id meets that bound
        JwtAuthenticator jwt = new JwtAuthenticator(settings("http://127.0.0.1:" + jwks.getAddress().getPort() + "/keys"),
                Duration.ofSeconds(30));
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("made-up-1").generate();
        for (String kid : List.of("made-up-1", "made-up-2", "made-up-3")) {
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims(c -> c));
            forged.sign(new RSASSASigner(stranger));
            assertThat(jwt.authenticate(forged.serialize())).as("key id %s", kid).isEmpty();
        }
        assertThat(jwt.authenticate(rs256(claims(c -> c)))).isPresent();
    }

    @Test
    void anUnreachableProviderIsRetryLaterNotARefusal() throws Exception {
        int port = jwks.getAddress().getPort();
        jwks.stop(0);
        JwtAuthenticator offline = new JwtAuthenticator(settings("http://127.0.0.1:" + port + "/keys"), Duration.ofMillis(1));

        assertThatThrownBy(() -> offline.authenticate(rs256(claims(c -> c))))
                .isInstanceOf(RetryLaterException.class).hasMessageContaining("keys cannot be fetched");
    }

    @Test
    void onlyTheCompactShapeGoesToTheProvider() {
        assertThat(JwtAuthenticator.looksLikeJwt("aaa.bbb.ccc")).isTrue();
        assertThat(JwtAuthenticator.looksLikeJwt("demo-consumer")).isFalse();
        assertThat(JwtAuthenticator.looksLikeJwt("a.b")).isFalse();
        assertThat(JwtAuthenticator.looksLikeJwt(null)).isFalse();
    }

    private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        return change.apply(new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("alice")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("team", "alpha").claim("capmarket_role", "consumer")).build();
    }

    private String rs256(JWTClaimsSet claims) throws Exception {
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
        token.sign(new RSASSASigner(rsa));
        return token.serialize();
    }

    private String es256(JWTClaimsSet claims) throws Exception {
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims);
        token.sign(new ECDSASigner(ec));
        return token.serialize();
    }
}
