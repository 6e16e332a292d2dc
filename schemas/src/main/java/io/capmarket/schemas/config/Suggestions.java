package io.capmarket.schemas.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for mistyped names: the closest known name within a small edit distance. */
public final class Suggestions {

    private Suggestions() {
    }

    /** The known name closest to {@code typed}, when one is close enough to be a typo of it. */
    public static Optional<String> closest(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String normalizedTyped = normalize(typed);
        for (String candidate : known) {
            int distance = normalize(candidate).equals(normalizedTyped) ? 0 : distance(typed, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = Math.max(2, typed.length() / 4);
        return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Separators and case do not count: {@code matching.accept_deadline} is {@code matching.accept-deadline}. */
    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
