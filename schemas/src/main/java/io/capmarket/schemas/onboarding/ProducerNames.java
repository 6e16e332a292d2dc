package io.capmarket.schemas.onboarding;

import io.capmarket.schemas.topics.TopicSegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules for producer ids and capability names, shared by onboarding and by configuration
 * that names producers (so a bad name fails at start-up with the same message).
 *
 * <p>A producer id and a team name become one segment of topic names
 * ({@code <prefix>producer.<producerId>.offers}, {@code <prefix>team.<team>.requests}), and the
 * segment is what Kafka's prefixed ACLs confine a principal to. So they use topic-name characters
 * <em>without</em> '.': with a dot, producer {@code db} could create and write
 * {@code producer.db.x.offers}, which would read as producer {@code db.x}. Kebab-case
 * ({@code db-team}) is recommended, because Kafka's metric names collide for topics differing only
 * in '_' and '-'. Capability names are kebab-case; {@value #ANY_CAPABILITY} alone allows any capability.
 */
public final class ProducerNames {

    /** The capability "name" that approves a producer for every capability. */
    public static final String ANY_CAPABILITY = "*";
    /** The longest producer id or team name accepted; leaves room for a prefix and the topic's suffix within Kafka's 249. */
    public static final int MAX_PRODUCER_ID_LENGTH = TopicSegment.MAX_LENGTH;

    private ProducerNames() {
    }

    /**
     * Checks a producer id.
     *
     * @return the id
     * @throws IllegalArgumentException naming the value and the rule
     */
    public static String requireProducerId(String producerId) {
        return TopicSegment.require("producerId", producerId, "db-team");
    }

    /**
     * Checks a team name (the consumer team of requests, and the segment of its bots' topic).
     *
     * @return the name
     * @throws IllegalArgumentException naming the value and the rule
     */
    public static String requireTeam(String team) {
        return TopicSegment.require("team", team, "payments");
    }

    /**
     * Whether a name is kebab-case: words of lower-case letters and digits joined by single hyphens
     * ({@code postgres-database}), as capability names must be and producer ids should be. Read
     * character by character: the topology and the gateway ask it for every request.
     */
    public static boolean isKebabCase(String name) {
        if (name == null || name.isEmpty() || name.charAt(0) == '-' || name.charAt(name.length() - 1) == '-') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean word = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!word && (c != '-' || name.charAt(i - 1) == '-')) {
                return false;
            }
        }
        return true;
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
