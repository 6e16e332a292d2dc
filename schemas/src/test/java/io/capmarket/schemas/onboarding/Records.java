package io.capmarket.schemas.onboarding;

import io.capmarket.schemas.Assignment;
import io.capmarket.schemas.AssignmentAction;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import java.time.Instant;
import java.util.Map;

/** Small valid events for the access tests. */
final class Records {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private Records() {
    }

    static CapabilityOffer offer(String producerId) {
        return CapabilityOffer.newBuilder().setOfferId(producerId + "-pg").setProducerId(producerId)
                .setCapability("postgres-database").setCapabilityVersion(1).setParameterSchema("{}").setOutputSchema("{}")
                .setAttributes(Map.of()).setLeadTimeSloMs(1000).setCapacity(1).setStatus(OfferStatus.ACTIVE)
                .setUpdatedAt(AT).build();
    }

    static ProducerHeartbeat heartbeat(String producerId) {
        return ProducerHeartbeat.newBuilder().setProducerId(producerId).setInstanceId(producerId + "-1").setAt(AT)
                .setInFlight(0).setHealthy(true).build();
    }

    static FulfilmentEvent fulfilled(String producerId, String requestId) {
        return FulfilmentEvent.newBuilder().setRequestId(requestId).setOfferId(producerId + "-pg").setProducerId(producerId)
                .setCapability("postgres-database").setAttempt(1).setKind(FulfilmentKind.FULFILLED)
                .setOutputs(Map.of("host", "db.example")).setAt(AT).build();
    }

    static Assignment assignment(String producerId, String requestId) {
        return Assignment.newBuilder().setRequestId(requestId).setAction(AssignmentAction.FULFIL).setOfferId(producerId + "-pg")
                .setProducerId(producerId).setCapability("postgres-database").setCapabilityVersion(1).setConsumerTeam("payments")
                .setAttempt(1).setParameters("{}").setAssignedAt(AT).setAcceptDeadline(AT.plusSeconds(30)).setLeadTimeSloMs(1000)
                .build();
    }

    static RequestCommand submit(String team, String requestId) {
        return RequestCommand.newBuilder().setCommand(SubmitRequest.newBuilder().setRequestId(requestId).setConsumerTeam(team)
                .setRequestedBy(Requester.newBuilder().setKind(RequesterKind.BOT).setName(team + "-bot").build())
                .setCapability("postgres-database").setCapabilityVersion(1).setParameters("{}").setConstraints(Map.of())
                .setPriority(Priority.NORMAL).setSubmittedAt(AT).build()).build();
    }
}
