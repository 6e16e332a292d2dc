package io.capmarket.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What the in-JVM broker has done so far, from its own meters: the records and the partition
 * appends of the topics a scenario counts (its workload's), and the produce and consumer fetch
 * requests of every client. Read at a measurement's start and end, their differences per request are the
 * measured part of a request's ledger: what it cost Kafka, counted by Kafka. An external cluster
 * ({@code --bootstrap}) has no such meters here, so there are none.
 */
final class BrokerCounters {

    /** Records the broker appended to the counted topics, a transaction's marker on each of its partitions among them. */
    static final String RECORDS = "broker_records";
    /** Appends to one partition of the counted topics: a produce request appends to each partition it carries. */
    static final String PARTITION_APPENDS = "broker_partition_appends";
    /** Produce requests, from every client. */
    static final String PRODUCE_REQUESTS = "broker_produce_requests";
    /** Fetch requests of consumers, from every client. */
    static final String FETCH_REQUESTS = "broker_fetch_requests";

    private static final String TOPIC_METRICS = "kafka.server:type=BrokerTopicMetrics,name=%s,topic=*";
    private static final String REQUEST_METRICS = "kafka.network:type=RequestMetrics,name=RequestsPerSec,request=%s,version=*";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private BrokerCounters() {
    }

    /** The counters, by name, with records and appends counted on the topics {@code counted} names; none on an external cluster. */
    static Map<String, DoubleSupplier> of(Cluster cluster, Predicate<String> counted) {
        Map<String, DoubleSupplier> counters = new LinkedHashMap<>();
        if (!cluster.inThisJvm()) {
            return counters;
        }
        BrokerCounters meters = new BrokerCounters();
        counters.put(RECORDS, () -> meters.sum(String.format(TOPIC_METRICS, "MessagesInPerSec"), "topic", counted));
        counters.put(PARTITION_APPENDS, () -> meters.sum(String.format(TOPIC_METRICS, "TotalProduceRequestsPerSec"), "topic", counted));
        counters.put(PRODUCE_REQUESTS, () -> meters.sum(String.format(REQUEST_METRICS, "Produce"), "request", any -> true));
        counters.put(FETCH_REQUESTS, () -> meters.sum(String.format(REQUEST_METRICS, "FetchConsumer"), "request", any -> true));
        return counters;
    }

    /** The sum of the {@code Count} of every meter matching {@code pattern} whose {@code key} property passes {@code filter}. */
    private double sum(String pattern, String key, Predicate<String> filter) {
        try {
            double sum = 0;
            for (ObjectName name : server.queryNames(new ObjectName(pattern), null)) {
                if (filter.test(name.getKeyProperty(key))) {
                    sum += ((Number) server.getAttribute(name, "Count")).doubleValue();
                }
            }
            return sum;
        } catch (JMException e) {
            throw new IllegalStateException("the broker's meters " + pattern + " could not be read: " + e.getMessage(), e);
        }
    }
}
