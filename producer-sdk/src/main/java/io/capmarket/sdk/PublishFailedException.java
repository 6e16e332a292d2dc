package io.capmarket.sdk;

/**
 * Kafka (or the schema registry) did not acknowledge a record after the client's retries with
 * back-off. The record may or may not have been written; every write of the SDK is idempotent
 * (offers and heartbeats are keyed upserts, fulfilment reports are recorded, not double-applied),
 * so repeat the call later.
 */
public final class PublishFailedException extends CapmarketException {

    private static final long serialVersionUID = 1L;

    /** An exception naming what was not acknowledged and why. */
    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Always true: the same call may succeed once Kafka is reachable. */
    @Override
    public boolean retryable() {
        return true;
    }
}
