package io.capmarket.topology.app;

import io.capmarket.schemas.onboarding.ProducerOnboarding;
import io.capmarket.schemas.topics.ProvisioningReport;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.tracing.Telemetry;
import io.capmarket.topology.CapmarketTopology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running topology application: topics provisioned, configured producers approved, Kafka
 * Streams started with capmarket's dead-letter handlers, thread replacement and metrics, and the
 * operations HTTP endpoints ({@code /metrics}, {@code /health/live}, {@code /health/ready}).
 *
 * <p>Provisioning creates the platform's topics and the gateway's {@code requests}
 * ({@code Topics.sharedSpecs()}); the gateway's topic is also what keeps the intake's pattern
 * source part of every task, so it must exist before Kafka Streams starts. Each producer listed in
 * {@code producers.approved} is onboarded: its own four topics first, then its approval. Producers
 * and teams onboarded later by an administrator are read within {@code topics.discovery-interval}.
 *
 * <pre>{@code
 * try (TopologyApp app = TopologyApp.start(TopologyConfig.load(file, System.getenv()))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #start} returns once Kafka Streams has been started (not when it is RUNNING: watch
 * {@link #ready()} or {@code /health/ready}). {@link #close()} stops it gracefully within the
 * configured {@code shutdown.timeout}; it is idempotent and safe from a shutdown hook.
 */
public final class TopologyApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyApp.class);

    private final TopologyConfig config;
    private final Topics topics;
    private final PrometheusMeterRegistry registry;
    private final TopologyMetrics metrics;
    private final StreamsHealth health;
    private final KafkaStreams streams;
    private final OpsHttpServer http;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TopologyApp(TopologyConfig config, Topics topics, PrometheusMeterRegistry registry, TopologyMetrics metrics,
            StreamsHealth health, KafkaStreams streams, OpsHttpServer http) {
        this.config = config;
        this.topics = topics;
        this.registry = registry;
        this.metrics = metrics;
        this.health = health;
        this.streams = streams;
        this.http = http;
    }

    /** Starts capmarket's topology ({@link CapmarketTopology#build}). */
    public static TopologyApp start(TopologyConfig config) {
        return start(config, CapmarketTopology::build);
    }

    /**
     * Starts the application around the topology {@code factory} builds.
     *
     * @throws io.capmarket.schemas.topics.TopicMismatchException when existing topics differ from their specs
     * @throws org.apache.kafka.common.KafkaException when Kafka cannot be reached or refuses in time
     * @throws java.io.UncheckedIOException when the HTTP port cannot be bound
     */
    public static TopologyApp start(TopologyConfig config, TopologyFactory factory) {
        Telemetry.installFromEnvironment("capmarket-topology");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TopologyMetrics metrics = new TopologyMetrics(registry).bindJvm();
        KafkaStreams streams = null;
        try {
            Topics topics = config.topics();
            topics.registry().ifPresent(metrics::bind);
            provision(config, topics);
            Topology topology = factory.build(topics, config.settings(), Clock.systemUTC(), metrics);
            StreamsHealth health = new StreamsHealth();
            streams = new KafkaStreams(topology, config.streamsProperties(metrics));
            streams.setUncaughtExceptionHandler(new ReplaceThreadHandler(metrics));
            streams.setStateListener(health);
            metrics.bind(streams);
            streams.start();
            OpsHttpServer http = OpsHttpServer.start(config.httpHost(), config.httpPort(), registry, health);
            LOG.info("capmarket topology {} started; /metrics and /health on port {}", config.applicationId(), http.port());
            return new TopologyApp(config, topics, registry, metrics, health, streams, http);
        } catch (RuntimeException e) {
            if (streams != null) {
                streams.close(config.shutdownTimeout());
            }
            metrics.close();
            registry.close();
            throw e;
        }
    }

    private static void provision(TopologyConfig config, Topics topics) {
        try (Admin admin = Admin.create(config.clientConfig())) {
            ProvisioningReport report = new TopicProvisioner(admin, config.adminTimeout()).ensure(topics.sharedSpecs());
            if (!report.created().isEmpty()) {
                LOG.info("created topics {}", report.created());
            }
        }
        Map<String, List<String>> approved = config.approvedProducers();
        if (approved.isEmpty()) {
            return;
        }
        try (ProducerOnboarding onboarding = ProducerOnboarding.create(topics, config.clientConfig(), config.adminTimeout())) {
            approved.forEach((producerId, capabilities) ->
                    onboarding.approve(producerId, capabilities, "config:" + TopologyConfig.PRODUCERS_APPROVED));
        }
    }

    /** The port serving {@code /metrics} and {@code /health} (the bound one when configured as 0). */
    public int httpPort() {
        return http.port();
    }

    /**
     * The Kafka Streams state, as Kafka Streams holds it (the state listener behind the health
     * endpoints hears of a change a moment later: a close returns before it hears NOT_RUNNING).
     */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** False once Kafka Streams has failed; then the process should be restarted. */
    public boolean live() {
        return health.live();
    }

    /** True while Kafka Streams is RUNNING. */
    public boolean ready() {
        return health.ready();
    }

    /** The metrics, including the Prometheus registry behind {@code /metrics}. */
    public TopologyMetrics metrics() {
        return metrics;
    }

    /** The topic catalogue the application runs with. */
    public Topics topics() {
        return topics;
    }

    /** Stops within the configured {@code shutdown.timeout}. */
    @Override
    public void close() {
        close(config.shutdownTimeout());
    }

    /** Stops the HTTP endpoints and Kafka Streams, waiting at most {@code timeout} for Streams. */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("stopping capmarket topology {} (up to {})", config.applicationId(), timeout);
        http.close();
        if (!streams.close(timeout)) {
            LOG.warn("Kafka Streams did not stop within {}", timeout);
        }
        metrics.close();
        registry.close();
    }
}
