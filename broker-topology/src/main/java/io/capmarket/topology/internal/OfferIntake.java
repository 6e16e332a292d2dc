package io.capmarket.topology.internal;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.topology.EngineEvents;
import io.capmarket.topology.core.OfferRules;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Takes offers (keyed by offerId) from approved producers and routes each change to the task
 * owning its capability. Remembers each offer's capability, so that a tombstone (which carries
 * no value) and a move to another capability reach the right owner, and its producer: an offerId
 * belongs to the producer that first published it until it is withdrawn, and a record naming
 * another producer for it is refused. (Which producer a record names is the writer's word: only
 * the broker's ACLs can stop a client writing as another producer, or withdrawing its offers.)
 */
final class OfferIntake implements Processor<String, CapabilityOffer, String, IntakeOutput> {

    private final Serializer<CapabilityOffer> offerSerializer;
    private final Clock clock;
    private final EngineEvents events;
    private ProcessorContext<String, IntakeOutput> context;
    private KeyValueStore<String, String> capabilityByOffer;
    private TimestampedKeyValueStore<String, ProducerApproval> approvals;

    OfferIntake(Serializer<CapabilityOffer> offerSerializer, Clock clock, EngineEvents events) {
        this.offerSerializer = offerSerializer;
        this.clock = clock;
        this.events = events;
    }

    @Override
    public void init(ProcessorContext<String, IntakeOutput> context) {
        this.context = context;
        this.capabilityByOffer = context.getStateStore(TopologyNames.OFFER_INDEX_STORE);
        this.approvals = context.getStateStore(TopologyNames.APPROVAL_STORE);
    }

    @Override
    public void process(Record<String, CapabilityOffer> record) {
        String offerId = record.key();
        if (offerId == null) {
            refuse(record, "offer record has no key (offerId)");
            return;
        }
        String indexed = capabilityByOffer.get(offerId);
        String previous = indexed == null ? null : capabilityOf(indexed);
        CapabilityOffer offer = record.value();
        if (offer == null) {
            if (previous == null) {
                events.ignored("withdrawal of unknown offer");
                return;
            }
            route(record, previous, new OfferChange(offerId, null));
            capabilityByOffer.delete(offerId);
            return;
        }
        ValueAndTimestamp<ProducerApproval> approval = approvals.get(offer.getProducerId());
        Optional<String> refusal = OfferRules.refusal(offer, approval == null ? null : approval.value());
        if (refusal.isEmpty() && !offerId.equals(offer.getOfferId())) {
            refusal = Optional.of("record key " + offerId + " differs from offerId " + offer.getOfferId());
        }
        String owner = indexed == null ? null : ownerOf(indexed);
        if (refusal.isEmpty() && owner != null && !owner.equals(offer.getProducerId())) {
            refusal = Optional.of("offer " + offerId + " belongs to producer " + owner + ": producer " + offer.getProducerId()
                    + " cannot change it (an offerId is free again once its owner withdraws it)");
        }
        if (refusal.isPresent()) {
            refuse(record, refusal.get());
            return;
        }
        if (previous != null && !previous.equals(offer.getCapability())) {
            route(record, previous, new OfferChange(offerId, null));
        }
        capabilityByOffer.put(offerId, indexEntry(offer.getCapability(), offer.getProducerId()));
        route(record, offer.getCapability(), new OfferChange(offerId, offer));
    }

    /** The index entry: capability and producer, separated by '/', which kebab-case capabilities never contain. */
    static String indexEntry(String capability, String producerId) {
        return capability + "/" + producerId;
    }

    static String capabilityOf(String entry) {
        int slash = entry.indexOf('/');
        return slash < 0 ? entry : entry.substring(0, slash);
    }

    /** The offer's producer; null for an entry written before producers were recorded, which names none. */
    static String ownerOf(String entry) {
        int slash = entry.indexOf('/');
        return slash < 0 ? null : entry.substring(slash + 1);
    }

    private void route(Record<String, CapabilityOffer> record, String capability, OfferChange change) {
        context.forward(record.withKey(capability).withValue(new IntakeOutput.Routed(new CapabilityEvent(change))));
    }

    private void refuse(Record<String, CapabilityOffer> record, String reason) {
        events.deadLettered(reason);
        IntakeOutput.refuse(context, record, offerSerializer, reason, clock.instant());
    }
}
