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
 * no value) and a move to another capability reach the right owner.
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
        String previous = capabilityByOffer.get(offerId);
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
        if (refusal.isPresent()) {
            refuse(record, refusal.get());
            return;
        }
        if (previous != null && !previous.equals(offer.getCapability())) {
            route(record, previous, new OfferChange(offerId, null));
        }
        capabilityByOffer.put(offerId, offer.getCapability());
        route(record, offer.getCapability(), new OfferChange(offerId, offer));
    }

    private void route(Record<String, CapabilityOffer> record, String capability, OfferChange change) {
        context.forward(record.withKey(capability).withValue(new IntakeOutput.Routed(new CapabilityEvent(change))));
    }

    private void refuse(Record<String, CapabilityOffer> record, String reason) {
        events.deadLettered(reason);
        IntakeOutput.refuse(context, record, offerSerializer, reason, clock.instant());
    }
}
