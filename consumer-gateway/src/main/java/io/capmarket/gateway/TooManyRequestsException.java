package io.capmarket.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The caller, or its team, sends requests faster than its limit allows: answered as 429 with
 * {@code Retry-After}, naming the limit. Nothing of the refused request was done.
 */
public class TooManyRequestsException extends GatewayException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public TooManyRequestsException(String detail, Duration retryAfter) {
        super(detail, List.of(), null);
        this.retryAfter = retryAfter;
    }

    /** How long to wait before the next request. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public int status() {
        return 429;
    }

    @Override
    public String type() {
        return "rate-limited";
    }

    @Override
    public String title() {
        return "Too many requests; slow down";
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
    }
}
