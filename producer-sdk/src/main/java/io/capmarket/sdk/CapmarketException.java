package io.capmarket.sdk;

/**
 * The root of every exception the producer SDK throws. Unchecked; the subclasses say what the
 * caller should do next, and {@link #retryable()} answers the one question most callers have.
 *
 * <ul>
 *   <li>{@link InvalidConfigurationException}: fix the client's settings; retrying is pointless.</li>
 *   <li>{@link InvalidOfferException}: fix the offer (or the offer files); retrying is pointless.</li>
 *   <li>{@link UnknownOfferException}: publish the offer (or declare it to the builder) first.</li>
 *   <li>{@link PublishFailedException}: Kafka did not acknowledge in time; retry later.</li>
 *   <li>{@link ProducerNotOnboardedException}: the producer's own topics do not exist, or the client's
 *       credentials may not use them; an administrator onboards the producer first.</li>
 *   <li>{@link ClientClosedException}: the client was closed; build a new one.</li>
 * </ul>
 */
public class CapmarketException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An exception with a message that says what went wrong and what to do. */
    public CapmarketException(String message) {
        super(message);
    }

    /** An exception with a message and the underlying cause. */
    public CapmarketException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether repeating the same call later may succeed. False unless a subclass says otherwise. */
    public boolean retryable() {
        return false;
    }
}
