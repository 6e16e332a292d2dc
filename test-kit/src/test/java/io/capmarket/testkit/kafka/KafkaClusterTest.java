package io.capmarket.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class KafkaClusterTest {

    @Test
    void aNodeThatLostItsPortToAnotherSocketIsToldFromOtherFailures() throws IOException {
        InetAddress host = InetAddress.getByName("127.0.0.1");
        Throwable bind;
        try (ServerSocket first = new ServerSocket(0, 1, host); ServerSocket second = new ServerSocket()) {
            bind = catchThrowable(() -> second.bind(new InetSocketAddress(host, first.getLocalPort())));
        }
        // the end of a node's log, as its JVM prints the cause of its failed start
        String lostPort = "Caused by: " + bind + "\n\tat java.base/sun.nio.ch.Net.bind0(Native Method)";

        assertThat(KafkaCluster.portTaken(lostPort)).isTrue();
        assertThat(KafkaCluster.portTaken("Caused by: java.lang.OutOfMemoryError: Java heap space")).isFalse();
    }
}
