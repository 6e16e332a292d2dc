package io.capmarket.topology.internal;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.topics.TopicPattern;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.core.OfferRules;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Takes offers (keyed by offerId) from every producer's own offers topic and routes each change
 * to the task owning its capability. The producer is the one whose topic the record came from
 * (Kafka's ACLs let only that producer write there): an offer naming another producer is refused,
 * and so is an offer of a producer not approved for its capability.
 *
 * <p>Remembers each offer's capability, so that a tombstone (which carries no value) and a move
 * to another capability reach the right owner, and its producer: an offerId belongs to the producer
 * that first published it, so another producer can neither change, withdraw nor publish it, not even
 * once withdrawn, and its owner may always publish it again. A withdrawal therefore keeps the offer's
 * index entry with its producer and the time ({@link IndexEntry#withdrawn}): the engine keeps a
 * withdrawn offer while it holds live resources, and freeing the offerId here would let another
 * producer's offer pass intake and take the index, refusing the owner's own offer here until the
 * other withdrew. (An index entry written before producers were recorded names none, and is never
 * given one here, even when its offer is withdrawn or published again: the first producer seen here
 * need not be the offer's, so the engine, which knows the offer's producer and keeps it after
 * forgetting the offer, decides who may change it; such an offer cannot move to another capability,
 * whose engine does not know it.)
 * Each intake task holds the index of its own partition only, and a producer chooses the partition
 * of its records: every change therefore carries the producer it came from, and the engine, the
 * single writer per capability, refuses a change of an offer another producer holds or held.
 *
 * <p>A producer holds at most {@link OfferRules#MAX_OFFER_IDS_PER_PRODUCER} offerIds in one task's
 * index (one partition of its offers topic), withdrawn ones included ({@link OfferIds}, read from
 * the index when the task starts). At the bound, an offer under a new offerId takes the place of the
 * producer's longest-withdrawn offerId, which leaves the index: from then on the first producer to
 * publish it here holds it here, while the engine of the capability it was in still refuses it to
 * any other producer. A producer holding none withdrawn at the bound is refused a new offerId.
 */
final class OfferIntake {

    private final Serializer<CapabilityOffer> offerSerializer;
    private final Clock clock;
    private final EngineEvents events;
    private final int ownerPartitions;
    private ProcessorContext<String, IntakeOutput> context;
    private KeyValueStore<String, String> capabilityByOffer;
    private TimestampedKeyValueStore<String, ProducerApproval> approvals;
    /** What the index holds of each producer's offerIds. */
    private OfferIds offerIds;

    OfferIntake(TopicPattern<String, CapabilityOffer> family, Clock clock, EngineEvents events, int ownerPartitions) {
        this.ownerPartitions = ownerPartitions;
        this.offerSerializer = family.valueSerde().serializer();
        this.clock = clock;
        this.events = events;
    }

    /** Binds to the task {@code context} runs, as {@link Intake#init} does. */
    void init(ProcessorContext<String, IntakeOutput> context) {
        this.context = context;
        this.capabilityByOffer = context.getStateStore(TopologyNames.OFFER_INDEX_STORE);
        this.approvals = context.getStateStore(TopologyNames.APPROVAL_STORE);
        try (KeyValueIterator<String, String> all = capabilityByOffer.all()) {
            offerIds = OfferIds.of(all);
        }
    }

    /** Takes one record of the family read from {@code topic}, whose name says it was written by {@code owner}. */
    void process(Record<String, CapabilityOffer> record, String topic, Optional<String> owner) {
        if (owner.isEmpty()) {
            refuse(record, EngineEvents.IDENTITY, "topic " + topic + " is not a producer's offers topic");
            return;
        }
        String producerId = owner.get();
        String offerId = record.key();
        if (offerId == null) {
            refuse(record, EngineEvents.REFUSED, "offer record on " + topic + " has no key (offerId)");
            return;
        }
        IndexEntry indexed = IndexEntry.decode(capabilityByOffer.get(offerId));
        String previous = indexed == null ? null : indexed.capability();
        String holder = indexed == null ? null : indexed.owner();
        CapabilityOffer offer = record.value();
        if (offer == null) {
            if (holder != null && !holder.equals(producerId)) {
                refuse(record, EngineEvents.IDENTITY, "withdrawal of offer " + offerId + " on producer " + producerId
                        + "'s topic " + topic + ": the offer belongs to producer " + holder + ", only it can withdraw it");
                return;
            }
            if (indexed == null || indexed.isWithdrawn()) {
                events.ignored(indexed == null ? "withdrawal of unknown offer" : "withdrawal of withdrawn offer");
                return;
            }
            route(record, previous, new OfferChange(offerId, null, producerId));
            if (holder != null) {
                capabilityByOffer.put(offerId, IndexEntry.withdrawn(holder, clock.millis()).encode());
                offerIds.withdrew(holder, offerId);
            }
            return;
        }
        if (!producerId.equals(offer.getProducerId())) {
            refuse(record, EngineEvents.IDENTITY, "offer " + offerId + " on producer " + producerId + "'s topic " + topic
                    + " claims producerId " + offer.getProducerId() + ": a producer publishes only its own offers");
            return;
        }
        ValueAndTimestamp<ProducerApproval> approval = approvals.get(producerId);
        Optional<String> refusal = OfferRules.refusal(offer, approval == null ? null : approval.value());
        if (refusal.isEmpty() && !offerId.equals(offer.getOfferId())) {
            refusal = Optional.of("record key " + offerId + " differs from offerId " + offer.getOfferId());
        }
        boolean unrecorded = indexed != null && holder == null;
        if (refusal.isEmpty() && unrecorded && !indexed.capability().equals(offer.getCapability())) {
            // the capability's engine knows the offer's producer, another capability's does not
            refusal = Optional.of("offer " + offerId + " was indexed before producers were recorded: it cannot move from capability "
                    + indexed.capability() + " to " + offer.getCapability() + " (publish it under another offerId)");
        }
        if (refusal.isEmpty() && holder != null && !holder.equals(producerId)) {
            refusal = Optional.of("offer " + offerId + " belongs to producer " + holder + ": producer " + producerId
                    + " cannot publish it (an offerId stays its first producer's, withdrawn or not: publish under another offerId)");
        }
        if (refusal.isEmpty() && indexed == null) {
            refusal = OfferRules.offerIdRefusal(offerId, producerId, offerIds.held(producerId), offerIds.withdrawn(producerId),
                    "partition " + context.recordMetadata().map(RecordMetadata::partition).orElse(-1) + " of " + topic);
        }
        if (refusal.isPresent()) {
            refuse(record, EngineEvents.REFUSED, refusal.get());
            return;
        }
        if (indexed == null) {
            // at the bound, the producer's longest-withdrawn offerId makes room: the engine still knows whose it was
            offerIds.take(producerId).ifPresent(released -> {
                capabilityByOffer.delete(released);
                events.offerIdReleased(producerId);
            });
        } else if (indexed.isWithdrawn()) {
            offerIds.publishedAgain(producerId, offerId);
        }
        if (previous != null && !previous.equals(offer.getCapability())) {
            route(record, previous, new OfferChange(offerId, null, producerId));
        }
        // an entry written before producers were recorded stays without one: the engine knows the offer's producer
        capabilityByOffer.put(offerId, new IndexEntry(offer.getCapability(), unrecorded ? null : producerId).encode());
        route(record, offer.getCapability(), new OfferChange(offerId, offer, producerId));
    }

    private void route(Record<String, CapabilityOffer> record, String capability, OfferChange change) {
        IntakeOutput.route(context, record, capability, new CapabilityEvent(change), ownerPartitions);
    }

    private void refuse(Record<String, CapabilityOffer> record, String kind, String reason) {
        events.deadLettered(kind);
        IntakeOutput.refuse(context, record, offerSerializer, reason, clock.instant());
    }
}
