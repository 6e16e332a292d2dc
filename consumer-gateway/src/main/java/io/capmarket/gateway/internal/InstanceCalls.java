package io.capmarket.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a call from another instance of the same deployment acts for, without the caller's token: a
 * short-lived assertion of the principal, signed with the deployment's shared secret (HMAC-SHA256)
 * and bound to the one call it was made for. An instance accepts only assertions of its own
 * deployment, signed with its secret, not expired, and presented with the very method, path, query
 * and body they were signed for: an assertion captured on the wire cannot be replayed for another
 * call, only for the same one within its short life.
 *
 * <p>Format: {@code v2.<base64url(deployment|expiresAtMillis|team|role|name|bot|call)>.<base64url(mac)>},
 * where {@code call} is {@code base64url(SHA-256(method LF pathAndQuery LF SHA-256(body)))}: the call
 * is signed as a digest, so that a long query does not lengthen the header, and is compared, never
 * parsed. {@code v1} assertions, which named no call, are refused: every instance of a deployment
 * runs the same version of the gateway.
 */
public final class InstanceCalls {

    /** The header that carries the assertion. */
    public static final String HEADER = "X-Capmarket-Instance-Assertion";
    /** The shortest secret accepted. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final String VERSION = "v2";
    private static final String ALGORITHM = "HmacSHA256";
    private static final Pattern FIELD = Pattern.compile("[a-zA-Z0-9._@-]{1,100}");
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

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

    /**
     * The path and query of a call as they go over the wire, still URL-encoded: what {@link #sign}
     * and {@link #verify} take, built the same way by the instance that calls (from the URI it
     * sends) and by the one that answers (from the request line it receives).
     *
     * @param rawQuery null or empty when there is none
     */
    public static String pathAndQuery(String rawPath, String rawQuery) {
        return rawQuery == null || rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery;
    }

    /**
     * An assertion that the call acts for {@code principal}, good for the configured time and for
     * this call only.
     *
     * @param method the call's HTTP method, as sent
     * @param pathAndQuery the call's {@link #pathAndQuery}
     * @param body the bytes of the call's body, empty when it has none
     */
    public String sign(Principal principal, String method, String pathAndQuery, byte[] body) {
        String payload = String.join("|", deployment, Long.toString(clock.millis() + ttl.toMillis()), principal.team(),
                principal.role().name(), principal.name(), Boolean.toString(principal.bot()), call(method, pathAndQuery, body));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return VERSION + "." + BASE64.encodeToString(bytes) + "." + BASE64.encodeToString(mac(bytes));
    }

    /**
     * The principal an assertion names, when it is this deployment's, well signed, not expired and
     * made for the call it came with.
     *
     * @param method the HTTP method received
     * @param pathAndQuery the {@link #pathAndQuery} received
     * @param body the body received; read only for an assertion well signed and not expired, so that
     *     a call without one is refused without reading its body
     */
    public Optional<Principal> verify(String assertion, String method, String pathAndQuery, Supplier<byte[]> body) {
        if (assertion == null || assertion.length() > 2_000) {
            return Optional.empty();
        }
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
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
        if (fields.length != 7 || !fields[0].equals(deployment)) {
            return Optional.empty();
        }
        Principal principal;
        try {
            if (Long.parseLong(fields[1]) < clock.millis()) {
                return Optional.empty();
            }
            principal = new Principal(fields[2], Principal.Role.valueOf(fields[3]), fields[4], Boolean.parseBoolean(fields[5]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return fields[6].equals(call(method, pathAndQuery, body.get())) ? Optional.of(principal) : Optional.empty();
    }

    /** The digest of a call that its assertion is bound to: method and path cannot run into each other, nor into the body's digest. */
    private static String call(String method, String pathAndQuery, byte[] body) {
        MessageDigest sha256 = sha256();
        byte[] bodyDigest = sha256.digest(body);
        sha256.update((method + "\n" + pathAndQuery + "\n").getBytes(StandardCharsets.UTF_8));
        return BASE64.encodeToString(sha256.digest(bodyDigest));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
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
