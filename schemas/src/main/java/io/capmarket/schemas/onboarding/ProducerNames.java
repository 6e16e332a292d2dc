package io.capmarket.schemas.onboarding;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for producer ids and capability names, shared by onboarding and by configuration
 * that names producers (so a bad name fails at start-up with the same message).
 *
 * <p>A producer id becomes the suffix of a topic name ({@code <prefix>assignments.<producerId>}),
 * so it must use legal topic-name characters; kebab-case ({@code db-team}) is recommended,
 * because Kafka's metric names collide for topics differing only in '.' and '_'. Capability
 * names are kebab-case; {@value #ANY_CAPABILITY} alone allows any capability.
 */
public final class ProducerNames {

    /** The capability "name" that approves a producer for every capability. */
    public static final String ANY_CAPABILITY = "*";
    /** The longest producer id accepted; leaves room for a prefix and {@code assignments.} within Kafka's 249. */
    public static final int MAX_PRODUCER_ID_LENGTH = 200;

    private static final Pattern LEGAL_TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final Pattern KEBAB_CASE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private ProducerNames() {
    }

    /**
     * Checks a producer id.
     *
     * @return the id
     * @throws IllegalArgumentException naming the value and the rule
     */
    public static String requireProducerId(String producerId) {
        if (producerId == null || producerId.isEmpty() || producerId.length() > MAX_PRODUCER_ID_LENGTH
                || !LEGAL_TOPIC_CHARS.matcher(producerId).matches() || producerId.equals(".") || producerId.equals("..")) {
            throw new IllegalArgumentException("producerId must be 1 to " + MAX_PRODUCER_ID_LENGTH
                    + " characters of a-z, A-Z, 0-9, '.', '_' and '-' (kebab-case like db-team recommended), but was '"
                    + producerId + "'");
        }
        return producerId;
    }

    /** Whether a (legal) producer id follows the recommended kebab-case. */
    public static boolean isKebabCase(String name) {
        return name != null && KEBAB_CASE.matcher(name).matches();
    }

    /**
     * Checks and normalizes a capability list: every name kebab-case, or {@value #ANY_CAPABILITY}
     * alone; duplicates are dropped, order kept.
     *
     * @return the normalized, non-empty list
     * @throws IllegalArgumentException naming the offending value and the rule
     */
    public static List<String> requireCapabilities(List<String> capabilities) {
        if (capabilities == null || capabilities.isEmpty()) {
            throw new IllegalArgumentException("capabilities must name at least one capability (or '*' for any); "
                    + "to withdraw an approval, revoke it");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String capability : capabilities) {
            if (!ANY_CAPABILITY.equals(capability) && !isKebabCase(capability)) {
                throw new IllegalArgumentException("capability must be a kebab-case name like postgres-database, or '*', but was '"
                        + capability + "'");
            }
            unique.add(capability);
        }
        if (unique.contains(ANY_CAPABILITY) && unique.size() > 1) {
            throw new IllegalArgumentException("capabilities must be '*' alone or a list of names, but was " + capabilities);
        }
        return List.copyOf(new ArrayList<>(unique));
    }

    /** The problem with a producer id, if any, without throwing. */
    public static Optional<String> producerIdProblem(String producerId) {
        try {
            requireProducerId(producerId);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
