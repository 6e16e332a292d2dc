package io.capmarket.topology.internal;

import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.CapabilityEvent;
import io.capmarket.topology.EngineEvents;
import java.time.Clock;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Takes submit and cancel commands (keyed by requestId) and routes them to the task owning the
 * request's capability. Remembers each request's capability: a cancellation carries none, and a
 * second submit with the same requestId is a duplicate whatever capability it names.
 */
final class RequestIntake implements Processor<String, RequestCommand, String, IntakeOutput> {

    private final Serializer<RequestCommand> commandSerializer;
    private final Clock clock;
    private final EngineEvents events;
    private ProcessorContext<String, IntakeOutput> context;
    private KeyValueStore<String, String> capabilityByRequest;

    RequestIntake(Serializer<RequestCommand> commandSerializer, Clock clock, EngineEvents events) {
        this.commandSerializer = commandSerializer;
        this.clock = clock;
        this.events = events;
    }

    @Override
    public void init(ProcessorContext<String, IntakeOutput> context) {
        this.context = context;
        this.capabilityByRequest = context.getStateStore(TopologyNames.REQUEST_INDEX_STORE);
    }

    @Override
    public void process(Record<String, RequestCommand> record) {
        if (record.value() == null) {
            events.ignored("empty command");
            return;
        }
        Object command = record.value().getCommand();
        if (command instanceof SubmitRequest submit) {
            submit(record, submit);
        } else if (command instanceof CancelRequest cancel) {
            cancel(record, cancel);
        }
    }

    private void submit(Record<String, RequestCommand> record, SubmitRequest submit) {
        String requestId = submit.getRequestId();
        if (!requestId.equals(record.key())) {
            refuse(record, "record key " + record.key() + " differs from requestId " + requestId);
            return;
        }
        if (capabilityByRequest.get(requestId) != null) {
            // a retried submit: the first one stands, this one is not matched again
            events.ignored("duplicate submit");
            return;
        }
        capabilityByRequest.put(requestId, submit.getCapability());
        context.forward(record.withKey(submit.getCapability())
                .withValue(new IntakeOutput.Routed(new CapabilityEvent(submit))));
    }

    private void cancel(Record<String, RequestCommand> record, CancelRequest cancel) {
        String capability = capabilityByRequest.get(cancel.getRequestId());
        if (capability == null) {
            refuse(record, "cancel for unknown request " + cancel.getRequestId());
            return;
        }
        CancelCommand command = new CancelCommand(cancel.getRequestId(), capability, cancel.getRequestedBy(),
                cancel.getAt(), cancel.getReason());
        context.forward(record.withKey(capability).withValue(new IntakeOutput.Routed(new CapabilityEvent(command))));
    }

    private void refuse(Record<String, RequestCommand> record, String reason) {
        events.deadLettered(reason);
        IntakeOutput.refuse(context, record, commandSerializer, reason, clock.instant());
    }
}
