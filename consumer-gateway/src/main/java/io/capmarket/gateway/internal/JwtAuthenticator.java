package io.capmarket.gateway.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.capmarket.gateway.RetryLaterException;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OIDC/JWT bearer tokens, verified against the identity provider's published keys (a JWKS URL,
 * fetched with short timeouts, cached, and fetched again for a key id it does not know, so that a
 * key rotation needs no restart). A token is accepted when its signature is one of the asymmetric
 * algorithms (RS, PS, ES; never {@code none} nor a shared secret), its issuer and audience are the
 * configured ones, it is within its validity (with the configured clock skew), and it names a team
 * and a role in the configured claims.
 */
public final class JwtAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._@-]{1,100}");
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    private static final int JWKS_TIMEOUT_MS = 3_000;
    private static final int JWKS_MAX_BYTES = 512 * 1024;
    private static final Duration REFETCH_AT_MOST_EVERY = Duration.ofSeconds(30);

    /**
     * How tokens are checked and read.
     *
     * @param jwksUrl where the identity provider publishes its keys
     * @param issuer the {@code iss} every token must carry
     * @param audience the {@code aud} every token must include
     * @param clockSkew how far {@code exp} and {@code nbf} may be off
     * @param teamClaim the claim naming the caller's team
     * @param roleClaim the claim naming its role: consumer, producer, approver or admin
     * @param nameClaim the claim naming the person or bot ({@code sub} usually)
     * @param botClaim a boolean claim that marks automation, or null when none does
     */
    public record Settings(URI jwksUrl, String issuer, String audience, Duration clockSkew, String teamClaim, String roleClaim,
            String nameClaim, String botClaim) {
    }

    private final Settings settings;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /** @throws IllegalArgumentException when the JWKS URL is not an http(s) URL */
    public JwtAuthenticator(Settings settings) {
        this(settings, REFETCH_AT_MOST_EVERY);
    }

    /**
     * @param refetchAtMostEvery how often a token with an unknown key id may make the keys be
     *     fetched again (so that made-up key ids cannot flood the identity provider)
     */
    JwtAuthenticator(Settings settings, Duration refetchAtMostEvery) {
        this.settings = settings;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(settings.jwksUrl().toURL(),
                    new DefaultResourceRetriever(JWKS_TIMEOUT_MS, JWKS_TIMEOUT_MS, JWKS_MAX_BYTES))
                    .retrying(true).rateLimited(refetchAtMostEvery.toMillis()).build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("auth.jwt.jwks-url must be an http(s) URL, but was " + settings.jwksUrl(), e);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(settings.audience(),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of("exp", settings.teamClaim(), settings.roleClaim(), settings.nameClaim()));
        claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Whether a token has the shape of a JSON Web Token (compact serialization). */
    static boolean looksLikeJwt(String token) {
        return token != null && JWT.matcher(token).matches();
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (RateLimitReachedException e) {
            // a key id the provider's keys lack, asked again within the refetch bound: made up, not a rotation
            LOG.debug("refused a bearer token with an unknown key id: {}", e.getMessage());
            return Optional.empty();
        } catch (KeySourceException e) {
            throw new RetryLaterException("the identity provider's keys cannot be fetched from " + settings.jwksUrl()
                    + ", so no token can be checked now", Duration.ofSeconds(5), e);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            LOG.debug("refused a bearer token: {}", e.getMessage());
            return Optional.empty();
        }
        try {
            String team = claims.getStringClaim(settings.teamClaim());
            String roleName = claims.getStringClaim(settings.roleClaim());
            String name = claims.getStringClaim(settings.nameClaim());
            if (team == null || !NAME.matcher(team).matches() || roleName == null || name == null || !NAME.matcher(name).matches()) {
                LOG.debug("refused a token of {}: claims {}, {} and {} must be names", claims.getSubject(), settings.teamClaim(),
                        settings.roleClaim(), settings.nameClaim());
                return Optional.empty();
            }
            Principal.Role role = Principal.Role.valueOf(roleName.toUpperCase(Locale.ROOT));
            boolean bot = settings.botClaim() != null && Boolean.TRUE.equals(claims.getBooleanClaim(settings.botClaim()));
            return Optional.of(new Principal(team, role, name, bot));
        } catch (ParseException | IllegalArgumentException e) {
            LOG.debug("refused a token of {}: {}", claims.getSubject(), e.getMessage());
            return Optional.empty();
        }
    }
}
