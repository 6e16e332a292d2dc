package io.capmarket.testkit.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports on 127.0.0.1 for the servers the tests and the benchmark start (brokers, registries,
 * gateways, child processes). A port is picked below the range the system takes the local ports of
 * outgoing connections from (Linux's {@code net.ipv4.ip_local_port_range}), so that a client's
 * connection cannot take the port of a broker while the broker restarts on it; a port that
 * {@code new ServerSocket(0)} finds lies inside that range. A port is handed out once per JVM, so
 * that two servers asked for in a row never get the same one.
 */
public final class LocalPorts {

    /** The host every port is for. */
    public static final String HOST = "127.0.0.1";
    /** The lowest port picked. */
    static final int LOWEST = 10_000;
    /** The fewest ports below the system's range for picking there: with fewer, any free port is taken. */
    static final int LEAST_ROOM = 1_000;
    private static final int ATTEMPTS = 100;
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Every port handed out in this JVM. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private LocalPorts() {
    }

    /**
     * A port free on 127.0.0.1 now and not handed out before in this JVM, below the system's range
     * for outgoing connections when there is room below it (another process may still take it
     * before it is bound: a caller retries then), else any such free port.
     */
    public static int free() {
        Optional<Integer> lowestEphemeral = lowestEphemeral();
        if (lowestEphemeral.isPresent() && lowestEphemeral.get() - LOWEST >= LEAST_ROOM) {
            for (int i = 0; i < ATTEMPTS; i++) {
                int port = LOWEST + ThreadLocalRandom.current().nextInt(lowestEphemeral.get() - LOWEST);
                if (bindable(port) && GIVEN.add(port)) {
                    return port;
                }
            }
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = anyFree();
            if (GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on " + HOST + " that this JVM has not handed out already");
    }

    /** The lowest port of the system's range for outgoing connections, when the system says. */
    static Optional<Integer> lowestEphemeral() {
        try {
            return Files.isReadable(RANGE) ? lowestOf(Files.readString(RANGE, StandardCharsets.US_ASCII)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The first number of {@code ip_local_port_range}'s text ({@code "32768\t60999"}), or empty when it holds none. */
    static Optional<Integer> lowestOf(String range) {
        String[] parts = range.trim().split("\\s+");
        try {
            int lowest = Integer.parseInt(parts[0]);
            return lowest > 0 && lowest <= 65_535 ? Optional.of(lowest) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        }
    }
}
