package io.capmarket.schemas.topics;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;

/**
 * A family of topics read by one subscription, such as every producer's offers topic, with their
 * key and value types. The pattern's first group is the owner the topic belongs to (a producerId
 * or a team): the only source of a record's author.
 *
 * @param pattern matches every topic of the family, and nothing else
 * @param keySerde how keys are written and read
 * @param valueSerde how values are written and read
 * @param <K> the key type
 * @param <V> the value type
 */
public record TopicPattern<K, V>(Pattern pattern, Serde<K> keySerde, Serde<V> valueSerde) {

    /** Whether the topic belongs to the family. */
    public boolean matches(String topic) {
        return pattern.matcher(topic).matches();
    }

    /**
     * The owner of one of the family's topics: the producerId or team its name carries; empty
     * when the topic is not of the family, or is of the family but has no owner (the gateway's
     * {@code requests} among the requests topics).
     */
    public Optional<String> ownerOf(String topic) {
        Matcher matcher = pattern.matcher(topic);
        return matcher.matches() ? Optional.ofNullable(matcher.group(1)) : Optional.empty();
    }

    @Override
    public String toString() {
        return pattern.pattern();
    }
}
