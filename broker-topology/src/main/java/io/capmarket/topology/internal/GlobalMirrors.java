package io.capmarket.topology.internal;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.ContractOwnerSetting;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.topology.core.ProducerInstances;
import io.capmarket.topology.core.ProducerLiveness;

/**
 * The global tables the engine reads for every request, as it reads them ({@link GlobalMirror}):
 * each producer's liveness from the latest heartbeat of each of its processes, its approval, and
 * the admins' approval policy of each capability version and quota of each team on each capability;
 * and the producer the admins handed each capability version's contract to, which an offer and the catalog read.
 */
record GlobalMirrors(GlobalMirror<ProducerHeartbeat, ProducerInstances> liveness,
        GlobalMirror<ProducerApproval, ProducerApproval> approvals,
        GlobalMirror<ApprovalPolicySetting, ApprovalPolicy> policies,
        GlobalMirror<TeamQuota, TeamQuota> quotas,
        GlobalMirror<ContractOwnerSetting, String> contractOwners) {

    /** A producer's processes as known before (null: none), with the latest heartbeat of one of them. */
    static ProducerInstances livenessOf(ProducerInstances before, ProducerHeartbeat heartbeat) {
        return (before == null ? ProducerInstances.NONE : before).with(heartbeat.getInstanceId(),
                new ProducerLiveness(heartbeat.getAt(), heartbeat.getHealthy()));
    }
}
