package io.capmarket.topology.internal;

import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.topology.core.ProducerLiveness;

/**
 * The two global tables the engine reads for every request, as it reads them ({@link GlobalMirror}):
 * each producer's liveness from its latest heartbeat, and its approval.
 */
record ProducerMirrors(GlobalMirror<ProducerHeartbeat, ProducerLiveness> liveness,
        GlobalMirror<ProducerApproval, ProducerApproval> approvals) {

    /** The liveness a heartbeat tells. */
    static ProducerLiveness livenessOf(ProducerHeartbeat heartbeat) {
        return new ProducerLiveness(heartbeat.getAt(), heartbeat.getHealthy());
    }
}
