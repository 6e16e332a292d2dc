package io.capmarket.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An OIDC identity provider for tests: an RSA key made here, its JSON Web Key Set served over HTTP,
 * and tokens signed with it. {@link #settings()} points a gateway at it.
 */
final class IdentityProvider implements AutoCloseable {

    static final String ISSUER = "https://login.example.test/realms/platform";
    static final String AUDIENCE = "capmarket";

    private final RSAKey key;
    private final HttpServer server;

    IdentityProvider() {
        try {
            key = new RSAKeyGenerator(2048).keyID("k1").generate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/certs", exchange -> {
            byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** The gateway settings that make it check JWTs against this provider. */
    Map<String, String> settings() {
        return Map.of(AccessConfig.JWKS_URL, "http://127.0.0.1:" + server.getAddress().getPort() + "/certs",
                AccessConfig.JWT_ISSUER, ISSUER, AccessConfig.JWT_AUDIENCE, AUDIENCE);
    }

    /** A token for a person of {@code team} in {@code role}, valid for an hour. */
    String token(String team, String role, String name) {
        return token(team, role, name, claims -> claims);
    }

    /** A token whose claims {@code change} alters before it is signed with this provider's key. */
    String token(String team, String role, String name, UnaryOperator<JWTClaimsSet.Builder> change) {
        return sign(key, change.apply(claims(team, role, name)).build());
    }

    /** The standard claims this provider gives. */
    static JWTClaimsSet.Builder claims(String team, String role, String name) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(name).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).claim("team", team).claim("capmarket_role", role);
    }

    /** Claims signed with {@code signingKey} (RS256, its key id). */
    static String sign(RSAKey signingKey, JWTClaimsSet claims) {
        try {
            SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(), claims);
            token.sign(new RSASSASigner(signingKey));
            return token.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
