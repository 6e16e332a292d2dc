package io.capmarket.schemas.topics;

import java.util.regex.Pattern;

/** Kafka's rules for topic names, checked where names are built so a bad prefix fails at start-up. */
final class TopicNames {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int MAX_LENGTH = 249;

    private TopicNames() {
    }

    static String requireLegal(String what, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !LEGAL.matcher(value).matches()
                || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException(what + " must be 1 to " + MAX_LENGTH
                    + " characters of a-z, A-Z, 0-9, '.', '_' and '-', but was '" + value + "'");
        }
        return value;
    }
}
