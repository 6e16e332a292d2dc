package io.capmarket.topology.internal;

import io.capmarket.schemas.ProducerHeartbeat;

/** What the heartbeat relay emits: a heartbeat attributed to its producer (keyed by producerId), or a refusal. */
sealed interface RelayOutput {

    /** A heartbeat for the liveness table, keyed by the producer whose topic it came from. */
    record Attributed(ProducerHeartbeat heartbeat) implements RelayOutput {
    }

    /** A refused heartbeat for the dead-letter topic. */
    record Refused(DeadLetter letter) implements RelayOutput {
    }
}
