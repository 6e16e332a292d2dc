package io.capmarket.testkit.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalPortsTest {

    @Test
    void aPortIsPickedBelowTheSystemsRangeForOutgoingConnectionsAndIsFree() throws Exception {
        int port = LocalPorts.free();

        LocalPorts.lowestEphemeral().filter(lowest -> lowest - LocalPorts.LOWEST >= LocalPorts.LEAST_ROOM)
                .ifPresent(lowest -> assertThat(port).isBetween(LocalPorts.LOWEST, lowest - 1));
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(LocalPorts.HOST))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortIsHandedOutOncePerJvm() {
        Set<Integer> ports = new HashSet<>();
        // 1,000 random picks among about 20,000 ports would almost surely repeat one, but for the rule
        for (int i = 0; i < 1_000; i++) {
            int port = LocalPorts.free();
            assertThat(ports.add(port)).as("port %s handed out twice", port).isTrue();
        }
    }

    @Test
    void theRangesLowestPortIsReadFromItsText() {
        assertThat(LocalPorts.lowestOf("32768\t60999\n")).contains(32768);
        assertThat(LocalPorts.lowestOf(" 1024 65535")).contains(1024);
        assertThat(LocalPorts.lowestOf("")).isEmpty();
        assertThat(LocalPorts.lowestOf("none")).isEmpty();
        assertThat(LocalPorts.lowestOf("70000 80000")).isEmpty();
    }
}
