package io.capmarket.gateway;

import static io.capmarket.schemas.config.ConfigParsers.DURATION_RULE;
import static io.capmarket.schemas.config.ConfigParsers.NAME_RULE;

import io.capmarket.gateway.internal.JwtAuthenticator;
import io.capmarket.gateway.internal.RateLimits;
import io.capmarket.schemas.access.PriorityGrants;
import io.capmarket.schemas.config.ConfigKey;
import io.capmarket.schemas.config.ConfigParsers;
import io.capmarket.schemas.config.ConfigValues;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may call the gateway, how often, and how its instances vouch for each other: the keys of
 * {@link GatewayConfig} about identity (OIDC/JWT beside the token file), rate limits and the
 * deployment's shared secret, read into one immutable value.
 *
 * @param adminTeam the team of the dev-mode admin token
 * @param tokensCheckInterval how often the token file is looked at for changes
 * @param jwt how OIDC/JWT tokens are checked, when an identity provider is configured
 * @param perCaller each caller's rate limit, when rate limits are on
 * @param perTeam each team's rate limit, when rate limits are on
 * @param trackedCallers how many callers' and teams' buckets are kept at most
 * @param instancesSecret the secret the deployment's instances sign their calls to each other with
 * @param instancesSecretConfigured whether it was configured (else drawn for this instance alone)
 * @param priorityGrants which teams may submit above NORMAL (an admin may always)
 * @param longPollsPerTeam long-polls a team may hold open on an instance
 * @param longPollsPerInstance long-polls an instance holds open at most
 * @param streamsPerTeam event streams a team may hold open on an instance
 * @param streamsPerInstance event streams an instance holds open at most
 */
public record AccessConfig(String adminTeam, Duration tokensCheckInterval, Optional<JwtAuthenticator.Settings> jwt,
        Optional<RateLimits.Limit> perCaller, Optional<RateLimits.Limit> perTeam, int trackedCallers, byte[] instancesSecret,
        boolean instancesSecretConfigured, PriorityGrants priorityGrants, int longPollsPerTeam, int longPollsPerInstance,
        int streamsPerTeam, int streamsPerInstance) {

    public static final String ADMIN_TEAM = "auth.admin-team";
    public static final String TOKENS_CHECK_INTERVAL = "auth.tokens-file.check-interval";
    public static final String JWKS_URL = "auth.jwt.jwks-url";
    public static final String JWT_ISSUER = "auth.jwt.issuer";
    public static final String JWT_AUDIENCE = "auth.jwt.audience";
    public static final String JWT_CLOCK_SKEW = "auth.jwt.clock-skew";
    public static final String JWT_TEAM_CLAIM = "auth.jwt.team-claim";
    public static final String JWT_ROLE_CLAIM = "auth.jwt.role-claim";
    public static final String JWT_NAME_CLAIM = "auth.jwt.name-claim";
    public static final String JWT_BOT_CLAIM = "auth.jwt.bot-claim";
    public static final String CALLER_RATE = "limits.caller.rate";
    public static final String CALLER_BURST = "limits.caller.burst";
    public static final String TEAM_RATE = "limits.team.rate";
    public static final String TEAM_BURST = "limits.team.burst";
    public static final String TRACKED_CALLERS = "limits.tracked-callers";
    public static final String INSTANCES_KEY = "instances.signing-key";
    public static final String INSTANCES_KEY_FILE = "instances.signing-key-file";
    public static final String PRIORITY_GRANTS = "priority.grants";
    public static final String LONG_POLLS_PER_TEAM = "limits.long-polls.per-team";
    public static final String LONG_POLLS_PER_INSTANCE = "limits.long-polls.per-instance";
    public static final String STREAMS_PER_TEAM = "limits.event-streams.per-team";
    public static final String STREAMS_PER_INSTANCE = "limits.event-streams.per-instance";

    private static final String RATE_RULE = "requests per second, an integer from 0 (no limit) to 1000000";
    private static final String BURST_RULE = "an integer from 1 to 1000000";

    /** The keys, for {@link GatewayConfig}'s schema. */
    static final List<ConfigKey> KEYS = List.of(
            ConfigKey.withDefault(ADMIN_TEAM, "platform", NAME_RULE, ConfigParsers::legalName,
                    "the team of the dev-mode admin token (an admin sees every team)"),
            ConfigKey.withDefault(TOKENS_CHECK_INTERVAL, "5s", DURATION_RULE, ConfigParsers::duration,
                    "how often auth.tokens-file is looked at: a changed file is in force without a restart"),
            ConfigKey.optional(JWKS_URL, "an http(s) URL", ConfigParsers::text,
                    "the identity provider's JSON Web Key Set: bearer tokens that are JWTs are checked against it (OIDC)"),
            ConfigKey.optional(JWT_ISSUER, "the iss of the provider's tokens", ConfigParsers::text, "the issuer JWTs must name"),
            ConfigKey.optional(JWT_AUDIENCE, "the aud the provider puts in tokens for capmarket", ConfigParsers::text,
                    "the audience JWTs must include"),
            ConfigKey.withDefault(JWT_CLOCK_SKEW, "60s", DURATION_RULE, ConfigParsers::duration,
                    "how far a JWT's exp and nbf may be off"),
            ConfigKey.withDefault(JWT_TEAM_CLAIM, "team", "a claim name", ConfigParsers::text, "the JWT claim naming the caller's team"),
            ConfigKey.withDefault(JWT_ROLE_CLAIM, "capmarket_role", "a claim name", ConfigParsers::text,
                    "the JWT claim naming the role: consumer, producer, approver or admin"),
            ConfigKey.withDefault(JWT_NAME_CLAIM, "sub", "a claim name", ConfigParsers::text,
                    "the JWT claim naming the person or bot (recorded as requestedBy)"),
            ConfigKey.optional(JWT_BOT_CLAIM, "a claim name", ConfigParsers::text, "a boolean JWT claim that marks a bot"),
            ConfigKey.withDefault(CALLER_RATE, "50", RATE_RULE, ConfigParsers.intIn(0, 1_000_000),
                    "requests a caller may send per second, on average (429 with Retry-After beyond)"),
            ConfigKey.withDefault(CALLER_BURST, "100", BURST_RULE, ConfigParsers.intIn(1, 1_000_000),
                    "requests a caller may send at once"),
            ConfigKey.withDefault(TEAM_RATE, "200", RATE_RULE, ConfigParsers.intIn(0, 1_000_000),
                    "requests a team's callers together may send per second, on average"),
            ConfigKey.withDefault(TEAM_BURST, "400", BURST_RULE, ConfigParsers.intIn(1, 1_000_000),
                    "requests a team's callers together may send at once"),
            ConfigKey.withDefault(TRACKED_CALLERS, "100000", "an integer from 100 to 10000000", ConfigParsers.intIn(100, 10_000_000),
                    "callers and teams whose rates are tracked at most (the least recent are forgotten first)"),
            ConfigKey.optional(INSTANCES_KEY, "at least 32 characters", ConfigParsers::text,
                    "the secret every instance of the deployment shares, to vouch for the callers of reads they forward to each other"),
            ConfigKey.optional(INSTANCES_KEY_FILE, "a readable file of at least 32 bytes", ConfigParsers::path,
                    "instances.signing-key, from a file (a mounted secret)"),
            ConfigKey.optional(PRIORITY_GRANTS, "PRIORITY=team,team;... with PRIORITY HIGH or CRITICAL ('*': every team)",
                    PriorityGrants::parse, "teams that may submit above NORMAL (an admin always may; others get 403 naming the field)"),
            ConfigKey.withDefault(LONG_POLLS_PER_TEAM, "200", BURST_RULE, ConfigParsers.intIn(1, 1_000_000),
                    "long-polls (?waitFor, ?timeout) a team may hold open on an instance (429 beyond)"),
            ConfigKey.withDefault(LONG_POLLS_PER_INSTANCE, "2000", BURST_RULE, ConfigParsers.intIn(1, 1_000_000),
                    "long-polls an instance holds open at most (503 beyond)"),
            ConfigKey.withDefault(STREAMS_PER_TEAM, "50", BURST_RULE, ConfigParsers.intIn(1, 1_000_000),
                    "event streams a team may hold open on an instance (429 beyond)"),
            ConfigKey.withDefault(STREAMS_PER_INSTANCE, "500", BURST_RULE, ConfigParsers.intIn(1, 1_000_000),
                    "event streams an instance holds open at most (503 beyond)"));

    /**
     * Reads the keys.
     *
     * @param problems where a problem of these keys is added, naming the key and the rule
     */
    static AccessConfig from(ConfigValues values, List<String> problems) {
        Optional<JwtAuthenticator.Settings> jwt = values.optional(JWKS_URL, String.class).flatMap(url -> jwt(values, url, problems));
        int callerRate = values.integer(CALLER_RATE);
        int teamRate = values.integer(TEAM_RATE);
        byte[] secret = null;
        Optional<String> inline = values.optional(INSTANCES_KEY, String.class);
        Optional<Path> file = values.optional(INSTANCES_KEY_FILE, Path.class);
        try {
            secret = inline.isPresent() ? inline.get().getBytes(StandardCharsets.UTF_8)
                    : file.isPresent() ? Files.readAllBytes(file.get()) : null;
        } catch (IOException e) {
            problems.add(INSTANCES_KEY_FILE + " " + file.get() + " cannot be read: " + e.getMessage());
        }
        if (secret != null && secret.length < 32) {
            problems.add((inline.isPresent() ? INSTANCES_KEY : INSTANCES_KEY_FILE) + " must have at least 32 bytes, but had "
                    + secret.length);
        }
        boolean configured = secret != null;
        if (!configured) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        }
        return new AccessConfig(values.string(ADMIN_TEAM), values.duration(TOKENS_CHECK_INTERVAL), jwt,
                callerRate == 0 ? Optional.empty() : Optional.of(new RateLimits.Limit(callerRate, values.integer(CALLER_BURST))),
                teamRate == 0 ? Optional.empty() : Optional.of(new RateLimits.Limit(teamRate, values.integer(TEAM_BURST))),
                values.integer(TRACKED_CALLERS), secret, configured,
                values.optional(PRIORITY_GRANTS, PriorityGrants.class).orElse(PriorityGrants.NONE),
                values.integer(LONG_POLLS_PER_TEAM), values.integer(LONG_POLLS_PER_INSTANCE), values.integer(STREAMS_PER_TEAM),
                values.integer(STREAMS_PER_INSTANCE));
    }

    private static Optional<JwtAuthenticator.Settings> jwt(ConfigValues values, String url, List<String> problems) {
        List<String> missing = new ArrayList<>();
        Optional<String> issuer = values.optional(JWT_ISSUER, String.class);
        Optional<String> audience = values.optional(JWT_AUDIENCE, String.class);
        if (issuer.isEmpty()) {
            missing.add(JWT_ISSUER);
        }
        if (audience.isEmpty()) {
            missing.add(JWT_AUDIENCE);
        }
        URI jwks;
        try {
            jwks = URI.create(url);
        } catch (IllegalArgumentException e) {
            problems.add(JWKS_URL + " must be an http(s) URL, but was '" + url + "'");
            return Optional.empty();
        }
        if (!"http".equals(jwks.getScheme()) && !"https".equals(jwks.getScheme())) {
            problems.add(JWKS_URL + " must be an http(s) URL, but was '" + url + "'");
            return Optional.empty();
        }
        if (!missing.isEmpty()) {
            problems.add(JWKS_URL + " is set, so " + String.join(" and ", missing) + " must be too: tokens are checked against both");
            return Optional.empty();
        }
        return Optional.of(new JwtAuthenticator.Settings(jwks, issuer.get(), audience.get(), values.duration(JWT_CLOCK_SKEW),
                values.string(JWT_TEAM_CLAIM), values.string(JWT_ROLE_CLAIM), values.string(JWT_NAME_CLAIM),
                values.optional(JWT_BOT_CLAIM, String.class).orElse(null)));
    }
}
