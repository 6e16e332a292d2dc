package io.capmarket.sdk;

import java.util.List;

/**
 * The producer's own topics ({@code <prefix>producer.<producerId>.offers}, {@code .heartbeats},
 * {@code .fulfilment}, {@code .assignments}) do not exist, or this client's credentials may not use
 * them. The SDK never creates topics: an administrator onboards the producer first
 * ({@code ./capmarket producer onboard --producer-id ID --capabilities a,b}), which creates its
 * topics, its ACLs and its credentials. Repeating the call is pointless until then.
 */
public final class ProducerNotOnboardedException extends CapmarketException {

    private static final long serialVersionUID = 1L;

    private final String producerId;
    private final List<String> topics;

    /**
     * An exception naming the producer, the topics concerned and what to do.
     *
     * @param producerId the producer the client acts for
     * @param topics the topics missing or refused
     * @param message the whole message, naming the topics and what to do
     */
    public ProducerNotOnboardedException(String producerId, List<String> topics, String message, Throwable cause) {
        super(message, cause);
        this.producerId = producerId;
        this.topics = List.copyOf(topics);
    }

    /** The producer the client acts for. */
    public String producerId() {
        return producerId;
    }

    /** The producer's topics that are missing or that the client may not use. */
    public List<String> topics() {
        return topics;
    }
}
