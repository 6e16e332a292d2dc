package io.capmarket.topology.internal;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.topology.core.ProducerLiveness;

/**
 * The global tables the engine reads for every request, as it reads them ({@link GlobalMirror}):
 * each producer's liveness from its latest heartbeat, its approval, and the admins' approval
 * policy of each capability version and quota of each team on each capability.
 */
record GlobalMirrors(GlobalMirror<ProducerHeartbeat, ProducerLiveness> liveness,
        GlobalMirror<ProducerApproval, ProducerApproval> approvals,
        GlobalMirror<ApprovalPolicySetting, ApprovalPolicy> policies,
        GlobalMirror<TeamQuota, TeamQuota> quotas) {

    /** The liveness a heartbeat tells. */
    static ProducerLiveness livenessOf(ProducerHeartbeat heartbeat) {
        return new ProducerLiveness(heartbeat.getAt(), heartbeat.getHealthy());
    }
}
