package io.capmarket.schemas.topics;

import java.util.regex.Pattern;

/**
 * The rule for a name that becomes one segment of topic names: a producer id
 * ({@code producer.<producerId>.offers}) or a team ({@code team.<team>.requests}). The segment is
 * what Kafka's prefixed ACLs confine a principal to, so it has no '.': with a dot, producer
 * {@code db} could create and write {@code producer.db.x.offers}, which would read as producer
 * {@code db.x}.
 */
public final class TopicSegment {

    /** The longest segment accepted; leaves room for a prefix and the topic's suffix within Kafka's 249. */
    public static final int MAX_LENGTH = 200;
    /** The characters of a segment, as a regular expression. */
    public static final String CHARS = "[a-zA-Z0-9_-]+";

    private static final Pattern LEGAL = Pattern.compile(CHARS);

    private TopicSegment() {
    }

    /**
     * Checks a segment.
     *
     * @param what the setting or field, for the message (for example {@code producerId})
     * @param value the value
     * @param example a good value, for the message
     * @return the value
     * @throws IllegalArgumentException naming the field, the value and the rule
     */
    public static String require(String what, String value, String example) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !LEGAL.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to " + MAX_LENGTH
                    + " characters of a-z, A-Z, 0-9, '_' and '-' (no '.': it is one segment of a topic name; kebab-case like "
                    + example + " recommended), but was '" + value + "'");
        }
        return value;
    }
}
