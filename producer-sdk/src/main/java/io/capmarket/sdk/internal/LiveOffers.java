package io.capmarket.sdk.internal;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.sdk.InvalidOfferException;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.PublishFailedException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What is published now: reads the compacted offers topic from the beginning to its end offsets
 * (taken at the start, so concurrent writers cannot make it run forever) and folds it by key.
 *
 * @param mine this producer's live offers by offerId (withdrawn ones are gone)
 * @param unreadable this producer's live offers that break the SDK's rules, with the reason
 * @param foreignOwners offerIds live for other producers, with their producer
 */
public record LiveOffers(Map<String, Offer> mine, Map<String, String> unreadable, Map<String, String> foreignOwners) {

    public static LiveOffers read(Consumer<String, byte[]> consumer, Topic<String, CapabilityOffer> topic, String producerId,
            Duration timeout) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
        Map<String, CapabilityOffer> latest = new TreeMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new PublishFailedException("reading " + topic.name() + " to its end took longer than " + timeout, null);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() >= end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
                    continue;
                }
                if (record.value() == null) {
                    latest.remove(record.key());
                } else {
                    latest.put(record.key(), topic.valueSerde().deserializer().deserialize(record.topic(), record.headers(),
                            record.value()));
                }
            }
        }
        Map<String, Offer> mine = new TreeMap<>();
        Map<String, String> unreadable = new TreeMap<>();
        Map<String, String> foreign = new TreeMap<>();
        latest.forEach((offerId, offer) -> {
            if (!producerId.equals(offer.getProducerId())) {
                foreign.put(offerId, offer.getProducerId());
                return;
            }
            try {
                mine.put(offerId, OfferCodec.fromAvro(offer));
            } catch (InvalidOfferException e) {
                unreadable.put(offerId, e.getMessage());
            }
        });
        return new LiveOffers(mine, unreadable, foreign);
    }

    /** Offer ids live for this producer, readable or not. */
    public Set<String> myIds() {
        return java.util.stream.Stream.concat(mine.keySet().stream(), unreadable.keySet().stream())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
