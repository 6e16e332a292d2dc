package io.capmarket.schemas.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * How capmarket's Kafka Streams applications (the topology, the gateway's views) come back after
 * a crash or a restart, as Streams settings each application applies before its own overrides:
 * <ul>
 *   <li>a restarted instance with a stable {@code instance.id} rejoins its group as the same static
 *       member and gets its tasks back at once, instead of waiting out the session of its previous
 *       run (which only ends when the broker stops hearing from it);</li>
 *   <li>an instance that dies for good is noticed after {@link #SESSION_TIMEOUT}, not Kafka's
 *       default 45 s, so that its tasks move to the survivors within seconds;</li>
 *   <li>the consumers that restore state (the global tables' and the tasks' changelogs) wait at
 *       most {@link #RESTORE_FETCH_WAIT} for a fetch to fill, not Kafka's default 500 ms: global
 *       tables are restored one after the other, and each one's last fetch, parked at the end of
 *       its partitions, held back the next one's first; the dev run's two applications took 2.3 s
 *       and 1.9 s to restore theirs, about 0.9 s and 0.7 s since.</li>
 * </ul>
 * Transactional state stores ({@code enable.transactional.statestores}, Kafka Streams 4.4) are
 * left off: with them on, a {@code kill -9} of the dev run still found its exactly-once tasks
 * corrupted and restored them from their changelogs, so they bought nothing measurable for their
 * buffering.
 */
public final class StreamsRecovery {

    /** How long the group waits for a silent member before its tasks move on. */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** How often a member tells the group it is alive; well under a third of {@link #SESSION_TIMEOUT}. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);

    /** The longest a fetch of the global or the restore consumer waits for data before it is answered. */
    public static final Duration RESTORE_FETCH_WAIT = Duration.ofMillis(100);

    static final String MAIN_CONSUMER = "main.consumer.";

    private StreamsRecovery() {
    }

    /**
     * Puts the settings.
     *
     * @param settings where each setting goes, such as {@code properties::put}
     * @param instanceId the instance's stable name across restarts, when it has one; Kafka Streams
     *     appends each stream thread's index to it
     */
    public static void apply(BiConsumer<String, String> settings, Optional<String> instanceId) {
        settings.accept(MAIN_CONSUMER + "session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis()));
        settings.accept(MAIN_CONSUMER + "heartbeat.interval.ms", Long.toString(HEARTBEAT_INTERVAL.toMillis()));
        instanceId.ifPresent(id -> settings.accept(MAIN_CONSUMER + "group.instance.id", id));
        settings.accept("global.consumer.fetch.max.wait.ms", Long.toString(RESTORE_FETCH_WAIT.toMillis()));
        settings.accept("restore.consumer.fetch.max.wait.ms", Long.toString(RESTORE_FETCH_WAIT.toMillis()));
    }
}
