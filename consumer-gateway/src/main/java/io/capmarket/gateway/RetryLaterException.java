package io.capmarket.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The gateway cannot answer right now (its stores are rebalancing or restoring, the instance that
 * owns the request did not answer, or Kafka did not acknowledge in time). Retry after
 * {@link #retryAfter()}: answered as 503 with {@code Retry-After}. A submission retried with the
 * same {@code Idempotency-Key} is never applied twice.
 */
public class RetryLaterException extends GatewayException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public RetryLaterException(String detail, Duration retryAfter, Throwable cause) {
        super(detail, List.of(), cause);
        this.retryAfter = retryAfter;
    }

    public RetryLaterException(String detail, Duration retryAfter) {
        this(detail, retryAfter, null);
    }

    /** How long to wait before retrying. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public int status() {
        return 503;
    }

    @Override
    public String type() {
        return "retry-later";
    }

    @Override
    public String title() {
        return "Temporarily unavailable; retry later";
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
    }
}
