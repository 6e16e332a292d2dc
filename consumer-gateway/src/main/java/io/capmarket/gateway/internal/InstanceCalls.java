package io.capmarket.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a call from another instance of the same deployment acts for, without the caller's token: a
 * short-lived assertion of the principal, signed with the deployment's shared secret (HMAC-SHA256).
 * An instance accepts only assertions of its own deployment, signed with its secret, not expired.
 *
 * <p>Format: {@code v1.<base64url(deployment|expiresAtMillis|team|role|name|bot)>.<base64url(mac)>}.
 */
public final class InstanceCalls {

    /** The header that carries the assertion. */
    public static final String HEADER = "X-Capmarket-Instance-Assertion";
    /** The shortest secret accepted. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final Pattern FIELD = Pattern.compile("[a-zA-Z0-9._@-]{1,100}");

    private final SecretKeySpec key;
    private final String deployment;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param secret shared by every instance of the deployment, at least {@value #MIN_SECRET_BYTES} bytes
     * @param deployment the deployment's name (its application id): assertions of another are refused
     * @param ttl how long an assertion is good for: a forwarded call's whole life, a few seconds
     */
    public InstanceCalls(byte[] secret, String deployment, Duration ttl, Clock clock) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the instances' shared secret must have at least " + MIN_SECRET_BYTES + " bytes, but had "
                    + (secret == null ? 0 : secret.length));
        }
        if (!FIELD.matcher(deployment).matches()) {
            throw new IllegalArgumentException("the deployment's name must be 1 to 100 of a-z, A-Z, 0-9, '.', '_', '@', '-', but was '"
                    + deployment + "'");
        }
        this.key = new SecretKeySpec(secret, ALGORITHM);
        this.deployment = deployment;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** An assertion that the call acts for {@code principal}, good for the configured time. */
    public String sign(Principal principal) {
        String payload = String.join("|", deployment, Long.toString(clock.millis() + ttl.toMillis()), principal.team(),
                principal.role().name(), principal.name(), Boolean.toString(principal.bot()));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return "v1." + base64.encodeToString(bytes) + "." + base64.encodeToString(mac(bytes));
    }

    /** The principal an assertion names, when it is this deployment's, well signed and not expired. */
    public Optional<Principal> verify(String assertion) {
        if (assertion == null || assertion.length() > 2_000) {
            return Optional.empty();
        }
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals("v1")) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] presented;
        try {
            payload = Base64.getUrlDecoder().decode(parts[1]);
            presented = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(payload), presented)) {
            return Optional.empty();
        }
        String[] fields = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (fields.length != 6 || !fields[0].equals(deployment)) {
            return Optional.empty();
        }
        try {
            if (Long.parseLong(fields[1]) < clock.millis()) {
                return Optional.empty();
            }
            return Optional.of(new Principal(fields[2], Principal.Role.valueOf(fields[3]), fields[4], Boolean.parseBoolean(fields[5])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JVM has " + ALGORITHM, e);
        }
    }
}
