package io.capmarket.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClusterMemberTest {

    private static final String VOTERS = "1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103";

    @Test
    void aMemberOfTheQuorumIsAccepted() {
        ClusterMember member = new ClusterMember(2, 9102, VOTERS, "abc");

        assertThat(member.nodeId()).isEqualTo(2);
        assertThat(member.voters()).isEqualTo(VOTERS);
    }

    @Test
    void aNodeOutsideItsOwnQuorumIsRefusedNamingIt() {
        assertThatThrownBy(() -> new ClusterMember(4, 9104, VOTERS, "abc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("voters must name node 4 itself");
        assertThatThrownBy(() -> new ClusterMember(1, 9101, "11@127.0.0.1:9111", "abc"))
                .hasMessageContaining("voters must name node 1 itself");
    }

    @Test
    void malformedVotersPortsAndIdsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new ClusterMember(1, 9101, "1@127.0.0.1", "abc")).hasMessageStartingWith("voters must be");
        assertThatThrownBy(() -> new ClusterMember(0, 9101, VOTERS, "abc")).hasMessageStartingWith("nodeId must be at least 1");
        assertThatThrownBy(() -> new ClusterMember(1, 70000, VOTERS, "abc")).hasMessageStartingWith("controllerPort must be");
    }

    @Test
    void replicationAsksForAllReplicasAndOneLessInSync() {
        assertThat(ClusterNodeMain.replication(3, "2"))
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("unclean.leader.election.enable", "false");
    }
}
