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
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What is published now: reads the producer's own compacted offers topic from the beginning to
 * its end offsets (taken at the start, so concurrent writers cannot make it run forever) and folds
 * it by key. Only this producer writes there, so every record is its own; a record naming another
 * producer cannot be, and the marketplace refuses it: it is not a live offer, and it is listed as
 * unreadable so that a sync replaces or withdraws it.
 *
 * @param mine this producer's live offers by offerId (withdrawn ones are gone)
 * @param unreadable records live on this producer's topic that are not valid offers of it, with the reason
 */
public record LiveOffers(Map<String, Offer> mine, Map<String, String> unreadable) {

    /** Reads {@code topic}, the producer's own offers topic, with a consumer assigned no group. */
    public static LiveOffers read(Consumer<String, byte[]> consumer, Topic<String, CapabilityOffer> topic, String producerId,
            Duration timeout) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
        Map<String, CapabilityOffer> latest = new TreeMap<>();
        Map<String, String> undecodable = new TreeMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new PublishFailedException("reading " + topic.name() + " to its end took longer than " + timeout, null);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() >= end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
                    continue;
                }
                undecodable.remove(record.key());
                if (record.value() == null) {
                    latest.remove(record.key());
                    continue;
                }
                try {
                    latest.put(record.key(), topic.valueSerde().deserializer().deserialize(record.topic(), record.headers(),
                            record.value()));
                } catch (RuntimeException e) {
                    // a record no reader can decode (not Avro, an unknown schema) is live all the same: the sync replaces it
                    latest.remove(record.key());
                    undecodable.put(record.key(), "its record at " + record.topic() + "-" + record.partition() + "@"
                            + record.offset() + " cannot be decoded: " + e.getMessage());
                }
            }
        }
        Map<String, Offer> mine = new TreeMap<>();
        Map<String, String> unreadable = new TreeMap<>(undecodable);
        latest.forEach((offerId, offer) -> {
            if (!producerId.equals(offer.getProducerId())) {
                unreadable.put(offerId, "it names producer " + offer.getProducerId() + " on " + topic.name()
                        + ", where only producer " + producerId + " publishes; the marketplace refuses it");
                return;
            }
            try {
                mine.put(offerId, OfferCodec.fromAvro(offer));
            } catch (InvalidOfferException e) {
                unreadable.put(offerId, e.getMessage());
            }
        });
        return new LiveOffers(mine, unreadable);
    }
}
