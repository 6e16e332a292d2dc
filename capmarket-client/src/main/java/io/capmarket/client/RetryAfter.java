package io.capmarket.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The {@code Retry-After} header in both of its forms (RFC 9110, section 10.2.3). Pure. */
final class RetryAfter {

    /** Longer pauses than this are read as this; they are beyond any retry budget anyway. */
    static final Duration LONGEST = Duration.ofDays(1);

    private RetryAfter() {
    }

    /**
     * The pause a {@code Retry-After} value asks for: delta-seconds ({@code 120}) or an HTTP-date
     * ({@code Wed, 21 Oct 2026 07:28:00 GMT}, counted from {@code now}; a date past is no pause).
     * Empty when the value is neither.
     */
    static Optional<Duration> parse(String value, Instant now) {
        if (value == null) {
            return Optional.empty();
        }
        String text = value.trim();
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(text.length() > 6 ? LONGEST : min(Duration.ofSeconds(Long.parseLong(text))));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? min(Duration.between(now, at)) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Duration min(Duration duration) {
        return duration.compareTo(LONGEST) > 0 ? LONGEST : duration;
    }
}
