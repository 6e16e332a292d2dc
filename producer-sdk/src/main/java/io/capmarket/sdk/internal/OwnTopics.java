package io.capmarket.sdk.internal;

import io.capmarket.sdk.ProducerNotOnboardedException;
import io.capmarket.sdk.PublishFailedException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The producer's own topics, checked before the SDK first writes or reads one of them. The SDK
 * never creates a topic: a broker with {@code auto.create.topics.enable} would otherwise create
 * a missing one at the first send with the broker's defaults (an offers topic that deletes
 * instead of compacting), and under ACLs a producer's principal may not create topics anyway.
 * The check describes only the producer's own topics, which is all its ACLs allow. A topic once
 * found is not described again; a missing one is, at every use, until onboarding creates it.
 * Thread-safe.
 */
public final class OwnTopics {

    /** What the cluster says of one topic. */
    public enum State {
        /** It exists and this client may describe it. */
        EXISTS,
        /** It does not exist. */
        MISSING,
        /** This client may not describe it (whether it exists or not). */
        NOT_AUTHORIZED
    }

    /** Describes topics; throws {@link PublishFailedException} when the cluster does not answer in time. */
    @FunctionalInterface
    public interface Lookup {
        Map<String, State> describe(Collection<String> topics);
    }

    private final String producerId;
    private final List<String> topics;
    private final Lookup lookup;
    private final Set<String> found = ConcurrentHashMap.newKeySet();

    /**
     * @param producerId the producer the client acts for
     * @param topics the producer's own topics
     * @param lookup how to describe them
     */
    public OwnTopics(String producerId, List<String> topics, Lookup lookup) {
        this.producerId = producerId;
        this.topics = List.copyOf(topics);
        this.lookup = lookup;
    }

    /** Own topics described through a short-lived admin client built from {@code adminConfig}. */
    public static OwnTopics overAdmin(String producerId, List<String> topics, Map<String, Object> adminConfig, Duration timeout) {
        return new OwnTopics(producerId, topics, names -> describe(names, adminConfig, timeout));
    }

    /**
     * Returns when {@code topic}, one of the producer's own, exists.
     *
     * @throws ProducerNotOnboardedException when it does not exist or the client may not describe it
     * @throws PublishFailedException when the cluster did not answer in time (retryable)
     */
    public void require(String topic) {
        if (found.contains(topic)) {
            return;
        }
        if (!topics.contains(topic)) {
            throw new IllegalArgumentException(topic + " is not one of producer " + producerId + "'s topics " + topics);
        }
        Map<String, State> states = lookup.describe(topics);
        states.forEach((name, state) -> {
            if (state == State.EXISTS) {
                found.add(name);
            }
        });
        if (!found.contains(topic)) {
            throw notOnboarded(states, null);
        }
    }

    /** The exception for a write or read of {@code topic} the broker refused as not authorized. */
    public ProducerNotOnboardedException refused(String topic, Throwable cause) {
        return notOnboarded(Map.of(topic, State.NOT_AUTHORIZED), cause);
    }

    private ProducerNotOnboardedException notOnboarded(Map<String, State> states, Throwable cause) {
        List<String> missing = named(states, State.MISSING);
        List<String> refused = named(states, State.NOT_AUTHORIZED);
        String onboard = "./capmarket producer onboard --producer-id " + producerId + " --capabilities <capability>[,<capability>...]";
        if (!refused.isEmpty()) {
            return new ProducerNotOnboardedException(producerId, refused, "this client may not use producer " + producerId
                    + "'s topics (not authorized: " + String.join(", ", refused) + "): connect with the credentials of "
                    + producerId + " itself, or have an administrator onboard it, which grants its ACLs: " + onboard, cause);
        }
        return new ProducerNotOnboardedException(producerId, missing, "producer " + producerId + " is not onboarded: its topics "
                + String.join(", ", missing) + " do not exist, and the SDK never creates topics. An administrator onboards the "
                + "producer first, which creates its topics, ACLs and credentials: " + onboard, cause);
    }

    private static List<String> named(Map<String, State> states, State state) {
        return states.entrySet().stream().filter(e -> e.getValue() == state).map(Map.Entry::getKey).sorted().toList();
    }

    private static Map<String, State> describe(Collection<String> names, Map<String, Object> adminConfig, Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, State> states = new LinkedHashMap<>();
        Admin admin;
        try {
            admin = Admin.create(adminConfig);
        } catch (KafkaException e) {
            throw new PublishFailedException("cannot describe topics " + names + ": " + e.getMessage(), e);
        }
        try {
            DescribeTopicsResult result = admin.describeTopics(names, new DescribeTopicsOptions().timeoutMs(millis));
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : result.topicNameValues().entrySet()) {
                states.put(topic.getKey(), stateOf(topic.getKey(), topic.getValue(), deadline, timeout));
            }
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
        return states;
    }

    private static State stateOf(String topic, KafkaFuture<?> future, long deadline, Duration timeout) {
        try {
            future.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            return State.EXISTS;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return State.MISSING;
            }
            if (e.getCause() instanceof AuthorizationException) {
                return State.NOT_AUTHORIZED;
            }
            throw new PublishFailedException("describing topic " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishFailedException("describing topic " + topic + " took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while describing topic " + topic, e);
        }
    }
}
