package io.capmarket.testkit.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the transactions a single node's unclean stop leaves open for good under Kafka 4.4.
 *
 * <p>A node restarted after {@code kill -9} first acts on its last run's metadata, which still
 * makes it the leader of every partition: its transaction coordinator resumes a transaction it had
 * prepared and sends its markers. The node cannot take them yet (it opens its listeners only once
 * registered again), and registering again fences its last run's registration, which leaves every
 * partition without a leader for a moment. Kafka 4.4 then drops the markers as if their partitions
 * had been deleted (KAFKA-20734) and completes the transaction; its partitions keep it open.
 * {@code read_committed} consumers stop at it, and a group's offsets committed in it can no longer
 * be read, so an exactly-once application never processes those partitions again.
 *
 * <p>Right after the node has started, a transaction open on a partition while its coordinator no
 * longer holds it there (it completed it, forgot it, or moved on to a later epoch) is aborted, when
 * two looks a moment apart agree: it then ends as if it had timed out, and an exactly-once consumer
 * processes its input again. Where the last run had written some of its commit markers before it
 * was killed, the transaction's input is so processed at least once, not exactly once.
 */
final class HangingTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    /** How long each call to the node may take. */
    private static final long TIMEOUT_SECONDS = 30;
    /** Between the two looks: a coordinator still loading or sending its markers settles meanwhile. */
    private static final long SETTLE_MILLIS = 1_000;
    private static final Comparator<TopicPartition> BY_NAME =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private HangingTransactions() {
    }

    /**
     * Aborts what Kafka 4.4 left open after an unclean stop of the node of {@code dataDirectory},
     * reached with {@code adminConfig}; the node runs on whatever happens here, which is logged.
     */
    static void abortLeftBy(Map<String, Object> adminConfig, Path dataDirectory) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        Admin admin = null;
        try {
            admin = Admin.create(config);
            abort(admin);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Could not look for transactions the last run on {} left open: {}", dataDirectory, e.toString());
        } catch (InterruptedException e) {
            LOG.warn("Interrupted while looking for transactions the last run on {} left open", dataDirectory);
            Thread.currentThread().interrupt();
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Finds and aborts the node's hanging transactions; a partition that cannot be aborted is logged
     * and the others are still tried; those aborted are logged.
     */
    private static void abort(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()
                .forEach(topic -> topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition()))));
        Set<Hanging> first = look(admin, partitions);
        if (first.isEmpty()) {
            return;
        }
        TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
        Set<Hanging> settled = new TreeSet<>(first);
        settled.retainAll(look(admin, first.stream().map(Hanging::partition).toList()));
        List<TopicPartition> aborted = new ArrayList<>();
        for (Hanging hanging : settled) {
            try {
                admin.abortTransaction(new AbortTransactionSpec(hanging.partition(), hanging.producerId(), hanging.epoch(),
                        hanging.coordinatorEpoch())).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                aborted.add(hanging.partition());
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("Could not abort the transaction of producer id {} open on {}: {}", hanging.producerId(), hanging.partition(),
                        e.toString());
            }
        }
        if (!aborted.isEmpty()) {
            LOG.warn("Aborted the transactions open on {} while their coordinator no longer held them (after an unclean stop, "
                    + "Kafka 4.4 drops the markers of a prepared transaction: KAFKA-20734); they end as if they had timed out",
                    aborted);
        }
    }

    /** One look: the coordinators first, then the partitions again, so that an open transaction left now was left for good. */
    private static Set<Hanging> look(Admin admin, List<TopicPartition> partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, List<ProducerState>> before = producers(admin, partitions);
        Set<Long> open = before.values().stream().flatMap(List::stream).filter(HangingTransactions::isOpen)
                .map(ProducerState::producerId).collect(Collectors.toSet());
        if (open.isEmpty()) {
            return Set.of();
        }
        Map<Long, TransactionDescription> coordinators = new TreeMap<>();
        List<String> ids = admin.listTransactions(new ListTransactionsOptions().filterProducerIds(open)).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream().map(TransactionListing::transactionalId).toList();
        if (!ids.isEmpty()) {
            admin.describeTransactions(ids).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()
                    .forEach(description -> coordinators.put(description.producerId(), description));
        }
        List<TopicPartition> withOpen = before.entrySet().stream()
                .filter(entry -> entry.getValue().stream().anyMatch(HangingTransactions::isOpen)).map(Map.Entry::getKey).toList();
        return judge(producers(admin, withOpen), coordinators);
    }

    private static Map<TopicPartition, List<ProducerState>> producers(Admin admin, List<TopicPartition> partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, List<ProducerState>> producers = new TreeMap<>(BY_NAME);
        admin.describeProducers(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((partition, description) -> producers.put(partition, description.activeProducers()));
        return producers;
    }

    /**
     * The open transactions that hang: open on a partition while their coordinator no longer holds
     * them there (it completed them, forgot them, or moved on to a later epoch).
     *
     * @param producers each partition's active producers
     * @param coordinators what the coordinators say, by producer id (none for a forgotten transaction)
     */
    static Set<Hanging> judge(Map<TopicPartition, List<ProducerState>> producers, Map<Long, TransactionDescription> coordinators) {
        Set<Hanging> hanging = new TreeSet<>();
        producers.forEach((partition, states) -> states.stream().filter(HangingTransactions::isOpen)
                .filter(state -> !holds(coordinators.get(state.producerId()), partition, state))
                .forEach(state -> hanging.add(new Hanging(partition, state.producerId(), (short) state.producerEpoch(),
                        state.currentTransactionStartOffset().getAsLong(), state.coordinatorEpoch().orElse(0)))));
        return hanging;
    }

    private static boolean isOpen(ProducerState state) {
        return state.currentTransactionStartOffset().isPresent();
    }

    /** Whether the coordinator still runs the transaction open on {@code partition}: it ends it itself. */
    private static boolean holds(TransactionDescription coordinator, TopicPartition partition, ProducerState state) {
        if (coordinator == null) {
            return false;
        }
        boolean running = coordinator.state() == TransactionState.ONGOING || coordinator.state() == TransactionState.PREPARE_COMMIT
                || coordinator.state() == TransactionState.PREPARE_ABORT;
        // a prepared transaction's epoch is one past its records' (KIP-890's transaction version 2); an ongoing one's is theirs
        return running && coordinator.producerEpoch() <= state.producerEpoch() + 1 && coordinator.topicPartitions().contains(partition);
    }

    /**
     * A transaction open on a partition that its coordinator no longer holds there.
     *
     * @param partition where it is open
     * @param producerId its producer id
     * @param epoch the epoch of its records there
     * @param startOffset where it begins on the partition
     * @param coordinatorEpoch the coordinator epoch of the producer's last marker there, for the abort
     */
    record Hanging(TopicPartition partition, long producerId, short epoch, long startOffset, int coordinatorEpoch)
            implements Comparable<Hanging> {

        private static final Comparator<Hanging> ORDER = Comparator.comparing(Hanging::partition, BY_NAME)
                .thenComparingLong(Hanging::producerId).thenComparingInt(Hanging::epoch).thenComparingLong(Hanging::startOffset)
                .thenComparingInt(Hanging::coordinatorEpoch);

        @Override
        public int compareTo(Hanging other) {
            return ORDER.compare(this, other);
        }
    }
}
