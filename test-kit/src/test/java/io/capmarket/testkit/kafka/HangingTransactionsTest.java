package io.capmarket.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.testkit.kafka.HangingTransactions.Hanging;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HangingTransactionsTest {

    private static final long PRODUCER = 10;
    private static final TopicPartition EVENTS = new TopicPartition("capability-events", 1);
    private static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 0);
    private static final TopicPartition STATUS = new TopicPartition("request-status", 0);

    @Test
    void aTransactionItsCoordinatorCompletedWithoutItsMarkersHangsWhereItIsOpen() {
        // Kafka 4.4 completed the commit at epoch 89 after dropping the markers of the records written at 88
        Map<TopicPartition, List<ProducerState>> producers = Map.of(
                EVENTS, List.of(open(PRODUCER, 88, 71)),
                OFFSETS, List.of(open(PRODUCER, 88, 442)),
                STATUS, List.of(closed(PRODUCER, 88)));

        assertThat(HangingTransactions.judge(producers, Map.of(PRODUCER, coordinator(TransactionState.COMPLETE_COMMIT, 89))))
                .containsExactly(new Hanging(OFFSETS, PRODUCER, (short) 88, 442, 26), new Hanging(EVENTS, PRODUCER, (short) 88, 71, 26));
        assertThat(HangingTransactions.judge(producers, Map.of(PRODUCER, coordinator(TransactionState.EMPTY, 90))))
                .as("a later run's producer has started since").hasSize(2);
    }

    @Test
    void aTransactionItsCoordinatorStillRunsIsLeftToIt() {
        Map<TopicPartition, List<ProducerState>> producers = Map.of(EVENTS, List.of(open(PRODUCER, 88, 71)),
                OFFSETS, List.of(open(PRODUCER, 88, 442)));

        assertThat(HangingTransactions.judge(producers,
                Map.of(PRODUCER, coordinator(TransactionState.PREPARE_COMMIT, 89, EVENTS, OFFSETS)))).isEmpty();
        assertThat(HangingTransactions.judge(producers,
                Map.of(PRODUCER, coordinator(TransactionState.PREPARE_ABORT, 89, EVENTS, OFFSETS)))).isEmpty();
        assertThat(HangingTransactions.judge(producers,
                Map.of(PRODUCER, coordinator(TransactionState.ONGOING, 88, EVENTS, OFFSETS)))).isEmpty();
        assertThat(HangingTransactions.judge(producers, Map.of(PRODUCER, coordinator(TransactionState.ONGOING, 88, EVENTS))))
                .as("the running transaction is not open on the offsets' partition")
                .extracting(Hanging::partition).containsExactly(OFFSETS);
        assertThat(HangingTransactions.judge(producers, Map.of(PRODUCER, coordinator(TransactionState.ONGOING, 91, EVENTS, OFFSETS))))
                .as("the coordinator has moved on to a later epoch").extracting(Hanging::partition).containsExactly(OFFSETS, EVENTS);
    }

    @Test
    void aForgottenTransactionHangsAndAnotherProducersRunningOneDoesNot() {
        Map<TopicPartition, List<ProducerState>> producers = Map.of(
                EVENTS, List.of(open(PRODUCER, 88, 71), open(11, 3, 70)),
                STATUS, List.of(closed(PRODUCER, 92)));

        assertThat(HangingTransactions.judge(producers, Map.of(11L, coordinator(11, TransactionState.ONGOING, 3, EVENTS))))
                .containsExactly(new Hanging(EVENTS, PRODUCER, (short) 88, 71, 26));
        assertThat(HangingTransactions.judge(Map.of(STATUS, List.of(closed(PRODUCER, 92))), Map.of())).as("nothing open").isEmpty();
    }

    private static ProducerState open(long producerId, int epoch, long startOffset) {
        return new ProducerState(producerId, epoch, 0, 0L, OptionalInt.of(26), OptionalLong.of(startOffset));
    }

    private static ProducerState closed(long producerId, int epoch) {
        return new ProducerState(producerId, epoch, 0, 0L, OptionalInt.of(26), OptionalLong.empty());
    }

    private static TransactionDescription coordinator(TransactionState state, int epoch, TopicPartition... partitions) {
        return coordinator(PRODUCER, state, epoch, partitions);
    }

    private static TransactionDescription coordinator(long producerId, TransactionState state, int epoch, TopicPartition... partitions) {
        return new TransactionDescription(1, state, producerId, epoch, 10_000, OptionalLong.empty(), Set.of(partitions));
    }
}
