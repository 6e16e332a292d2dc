package io.capmarket.gateway;

import io.capmarket.gateway.internal.AcceptedRequests;
import io.capmarket.gateway.internal.Acceptor;
import io.capmarket.gateway.internal.ApprovalHandlers;
import io.capmarket.gateway.internal.Authenticator;
import io.capmarket.gateway.internal.BodyDeadline;
import io.capmarket.gateway.internal.Catalog;
import io.capmarket.gateway.internal.CatalogHandlers;
import io.capmarket.gateway.internal.ContractOwnerHandlers;
import io.capmarket.gateway.internal.EventStreams;
import io.capmarket.gateway.internal.Forwarder;
import io.capmarket.gateway.internal.Gatekeeper;
import io.capmarket.gateway.internal.GatewayMetrics;
import io.capmarket.gateway.internal.GatewayTopics;
import io.capmarket.gateway.internal.GatewayTopology;
import io.capmarket.gateway.internal.Health;
import io.capmarket.gateway.internal.HttpServer;
import io.capmarket.gateway.internal.InsightsHandlers;
import io.capmarket.gateway.internal.InstanceCalls;
import io.capmarket.gateway.internal.JwtAuthenticator;
import io.capmarket.gateway.internal.LocalViews;
import io.capmarket.gateway.internal.OpenSlots;
import io.capmarket.gateway.internal.OpsHandlers;
import io.capmarket.gateway.internal.ParameterSchemas;
import io.capmarket.gateway.internal.PendingSubmits;
import io.capmarket.gateway.internal.PolicyHandlers;
import io.capmarket.gateway.internal.PortalAssets;
import io.capmarket.gateway.internal.Publisher;
import io.capmarket.gateway.internal.QuotaHandlers;
import io.capmarket.gateway.internal.Quotas;
import io.capmarket.gateway.internal.RateLimits;
import io.capmarket.gateway.internal.Refusals;
import io.capmarket.gateway.internal.RequestHandlers;
import io.capmarket.gateway.internal.RequestReads;
import io.capmarket.gateway.internal.RequestStore;
import io.capmarket.gateway.internal.RequestWatchers;
import io.capmarket.gateway.internal.Route;
import io.capmarket.gateway.internal.Routes;
import io.capmarket.gateway.internal.SettingWriter;
import io.capmarket.gateway.internal.StatusTail;
import io.capmarket.gateway.internal.TokenFile;
import io.capmarket.gateway.internal.Updates;
import io.capmarket.gateway.internal.ViewDeserializationHandler;
import io.capmarket.gateway.internal.WhoAmI;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.ContractOwnerSetting;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.registry.SchemaRegistryUnavailableException;
import io.capmarket.schemas.topics.ProvisioningReport;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.tracing.Telemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the HTTP API and portal on {@code http.port}, its own Kafka Streams
 * application (request views partitioned by request id; the catalog, scorecard, admins' approval
 * policies and quotas, and the teams' usage as global tables) and the producers of request
 * commands and of the admins' settings.
 *
 * <pre>{@code
 * try (GatewayApp gateway = GatewayApp.start(GatewayConfig.load(file, System.getenv()))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #start} returns once the HTTP server listens and Kafka Streams has been started;
 * reads answer 503 with {@code Retry-After} until the stores are ready ({@link #ready()},
 * {@code /health/ready}). {@link #close()} is idempotent and safe from a shutdown hook.
 */
public final class GatewayApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);
    /** How long an instance's assertion of a caller is good for: a forwarded read's life, with room for clocks apart. */
    private static final Duration INSTANCE_CALL_TTL = Duration.ofSeconds(30);
    /** How often the insights gauges are computed again ({@code capmarket_insights_*}). */
    private static final Duration INSIGHTS_REFRESH = Duration.ofSeconds(60);
    /** How long learning where one partition of request-status ends may take, when a task starts. */
    private static final Duration CATCH_UP_QUESTION_TIMEOUT = Duration.ofSeconds(30);
    /** A bucket that never runs dry, for the scope (caller or team) whose limit is off. */
    private static final RateLimits.Limit UNLIMITED = new RateLimits.Limit(1e12, Integer.MAX_VALUE);

    private final GatewayConfig config;
    private final List<AutoCloseable> resources;
    private final KafkaStreams streams;
    private final Health health;
    private final RequestStore store;
    /** What {@code /health/ready} answers: one check for the endpoint and for {@link #ready()}. */
    private final BooleanSupplier readiness;
    private final HttpServer http;
    private final List<Route> routes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayApp(GatewayConfig config, List<AutoCloseable> resources, KafkaStreams streams, Health health,
            BooleanSupplier readiness, RequestStore store, HttpServer http, List<Route> routes) {
        this.config = config;
        this.resources = resources;
        this.streams = streams;
        this.health = health;
        this.readiness = readiness;
        this.store = store;
        this.http = http;
        this.routes = routes;
    }

    /** Starts with the system clock. */
    public static GatewayApp start(GatewayConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * Starts the gateway.
     *
     * @param clock stamps submissions and cancellations
     * @throws io.capmarket.schemas.topics.TopicMismatchException when existing topics differ from their specs
     * @throws org.apache.kafka.common.KafkaException when Kafka cannot be reached in time
     * @throws UncheckedIOException when the HTTP port cannot be bound
     */
    public static GatewayApp start(GatewayConfig config, Clock clock) {
        Telemetry.installFromEnvironment("capmarket-gateway");
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Topics topics = config.topics();
            provision(config, topics);
            int port = config.httpPort() == 0 ? freePort(config.httpHost()) : config.httpPort();
            HostInfo self = new HostInfo(config.advertisedHost(), port);

            GatewayMetrics metrics = new GatewayMetrics();
            topics.registry().ifPresent(metrics::bind);
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("capmarket-gateway-timer"));
            timer.setRemoveOnCancelPolicy(true);
            ExecutorService callbacks = Executors.newFixedThreadPool(4, daemon("capmarket-gateway-callbacks"));
            RequestWatchers watchers = new RequestWatchers();
            AcceptedRequests accepted = new AcceptedRequests(System::nanoTime);
            timer.scheduleWithFixedDelay(accepted::expire, 30, 30, TimeUnit.SECONDS);
            Health health = new Health();

            Properties props = new Properties();
            props.putAll(config.streamsProperties(port));
            props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, ViewDeserializationHandler.class.getName());
            props.put(ViewDeserializationHandler.METRICS_CONFIG, metrics);
            props.put(ViewDeserializationHandler.RETRIED_TOPICS_CONFIG, topics.requestStatus().name());
            // a task that starts behind its statuses reads up to where they ended before its reads may say "no such request"
            ExecutorService catchUp = Executors.newSingleThreadExecutor(daemon("capmarket-gateway-catch-up"));
            StatusTail tail = new StatusTail(topics.requestStatus().name(), config.applicationId(), config.clientConfig(),
                    CATCH_UP_QUESTION_TIMEOUT);
            // and holds the submits of its partition the topology has not taken yet, accepted by any instance (record times: the system's)
            PendingSubmits pending = new PendingSubmits(topics.requests(), topics.requestStatus().name(),
                    config.topologyApplicationId(), config.clientConfig(), CATCH_UP_QUESTION_TIMEOUT, accepted, Clock.systemUTC());
            timer.scheduleWithFixedDelay(pending::expire, 30, 30, TimeUnit.SECONDS);
            LocalViews views = new LocalViews(pending, tail, catchUp, System::nanoTime);
            // a view in the store is no longer held as accepted; its waiters are told (on the stream thread)
            KafkaStreams streams = new KafkaStreams(GatewayTopology.build(topics, config.applicationId(), status -> {
                accepted.stored(status.getRequestId());
                watchers.publish(status);
            }, views), props);
            streams.setStateListener(health);
            // a thread that failed because the registry is unavailable is replaced and reads again from its last commit;
            // anything else stops the views (health turns false) rather than loop
            streams.setUncaughtExceptionHandler(error -> {
                if (SchemaRegistryUnavailableException.isCauseOf(error)) {
                    LOG.warn("a stream thread failed while the schema registry is unavailable; replacing it: {}", error.toString());
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
                }
                LOG.error("a stream thread failed; stopping the views", error);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            resources.add(() -> {
                if (!streams.close(config.shutdownTimeout())) {
                    LOG.warn("Kafka Streams did not stop within {}", config.shutdownTimeout());
                }
            });
            resources.add(() -> shutdown(catchUp));
            resources.add(tail);
            resources.add(pending);
            resources.add(metrics);
            resources.add(() -> shutdown(timer));
            resources.add(() -> shutdown(callbacks));

            Publisher publisher = new Publisher(topics.requests(), config.clientConfig(), config.visibilityTimeout(), callbacks);
            resources.add(publisher);
            SettingWriter<ApprovalPolicySetting> policies = new SettingWriter<>(topics.approvalPolicies(), config.clientConfig(),
                    config.visibilityTimeout(), callbacks, "capmarket-gateway-approval-policies");
            resources.add(policies);
            SettingWriter<ContractOwnerSetting> contractOwners = new SettingWriter<>(topics.contractOwners(), config.clientConfig(),
                    config.visibilityTimeout(), callbacks, "capmarket-gateway-contract-owners");
            resources.add(contractOwners);
            SettingWriter<TeamQuota> quotaWriter = new SettingWriter<>(topics.quotas(), config.clientConfig(), config.visibilityTimeout(),
                    callbacks, "capmarket-gateway-quotas");
            resources.add(quotaWriter);
            Catalog catalog = new Catalog(streams);
            Quotas quotas = new Quotas(Quotas.Tables.of(streams));
            RequestStore store = new RequestStore(streams, views, topics.requestStatus().name(), self);
            BodyDeadline bodyDeadline = new BodyDeadline(config.bodyReadTimeout(), timer, metrics);
            Gatekeeper gate = gatekeeper(config, clock, metrics, bodyDeadline);
            Forwarder forwarder = new Forwarder(config.forwardTimeout(), config.visibilityTimeout(), gate);
            RequestReads reads = new RequestReads(store, accepted, watchers, forwarder, timer, callbacks);
            AccessConfig access = config.access();
            EventStreams events = new EventStreams(reads, callbacks, timer, config.forwardTimeout(),
                    new OpenSlots("event-streams", access.streamsPerTeam(), access.streamsPerInstance(), metrics));
            ParameterSchemas schemas = new ParameterSchemas();
            Refusals refusals = new Refusals(clock, metrics::unmetDemandRefused);
            Acceptor acceptor = new Acceptor(catalog, schemas, quotas, reads, accepted, watchers, publisher, clock, refusals);
            RequestHandlers requests = new RequestHandlers(catalog, acceptor, new Updates(catalog, schemas, clock), reads, forwarder,
                    publisher, clock,
                    new RequestHandlers.Limits(config.maxRequestSize(), config.longPollMaxTimeout(), config.visibilityTimeout(),
                            access.priorityGrants(), new OpenSlots("long-polls", access.longPollsPerTeam(),
                                    access.longPollsPerInstance(), metrics), bodyDeadline));
            ApprovalHandlers approvals = new ApprovalHandlers(catalog, reads, publisher, clock, config.maxRequestSize(), bodyDeadline);
            PolicyHandlers policyHandlers = new PolicyHandlers(catalog, policies, clock, config.maxRequestSize(), bodyDeadline);
            ContractOwnerHandlers ownerHandlers = new ContractOwnerHandlers(contractOwners, clock, config.maxRequestSize(), bodyDeadline);
            metrics.bind(streams, watchers::waiting, events::clients, accepted::size, acceptor::deciding, views,
                    pending::recordsRead);
            QuotaHandlers quotaHandlers = new QuotaHandlers(quotas, quotaWriter, clock, config.maxRequestSize(), bodyDeadline);
            BooleanSupplier readiness = () -> health.running() && catalog.queryable() && quotas.queryable() && store.caughtUp();
            OpsHandlers ops = new OpsHandlers(health, readiness, metrics.registry());
            InsightsHandlers insights = new InsightsHandlers(catalog, refusals, clock,
                    new InsightsHandlers.Settings(config.insightsWindow(), config.insightsDuplicateSimilarity(), config.insightsMaxAge()),
                    metrics);
            // computed on the callbacks pool: the timer's one thread stays free for the long-polls' deadlines
            timer.scheduleWithFixedDelay(() -> callbacks.execute(insights::refresh), INSIGHTS_REFRESH.toSeconds(),
                    INSIGHTS_REFRESH.toSeconds(), TimeUnit.SECONDS);
            List<Route> routes = Routes.table(new CatalogHandlers(catalog), policyHandlers, ownerHandlers, quotaHandlers, requests,
                    approvals, insights, events, ops, new WhoAmI(), PortalAssets.load());

            Duration idle = config.longPollMaxTimeout().plus(config.visibilityTimeout()).plus(Duration.ofSeconds(30));
            HttpServer http = HttpServer.start(config.httpHost(), port, routes, gate, metrics, config.maxRequestSize(), idle);
            resources.add(0, http);
            streams.start();
            LOG.info("capmarket gateway {} listening on {}:{} (advertised as {}), {} bearer tokens{}", config.applicationId(),
                    config.httpHost(), http.port(), self, config.tokens().size(), config.devMode() ? ", DEV MODE: demo tokens enabled" : "");
            return new GatewayApp(config, resources, streams, health, readiness, store, http, routes);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /**
     * Who may call and how often: JWTs to the identity provider when one is configured, other
     * tokens to the token file (followed for changes) and inline tokens; rate limits unless off;
     * the deployment's secret for the instances' calls to each other, each checked against its body
     * as the handlers read bodies.
     */
    private static Gatekeeper gatekeeper(GatewayConfig config, Clock clock, GatewayMetrics metrics, BodyDeadline bodyDeadline) {
        AccessConfig access = config.access();
        Authenticator tokens = config.tokensFile().isPresent()
                ? new TokenFile(config.tokensFile().get(), config::readTokens, access.tokensCheckInterval(), clock,
                        metrics::tokensReloaded)
                : config.tokens();
        Authenticator jwt = access.jwt().map(JwtAuthenticator::new).orElse(null);
        RateLimits limits = access.perCaller().isPresent() || access.perTeam().isPresent()
                ? new RateLimits(access.perCaller().orElse(UNLIMITED), access.perTeam().orElse(UNLIMITED), access.trackedCallers(), clock)
                : null;
        if (!access.instancesSecretConfigured() && !config.devMode()) {
            LOG.warn("{} is not set: this instance signs its forwarded reads with a secret of its own, so other instances of "
                    + "{} refuse them (set the same secret on every instance)", AccessConfig.INSTANCES_KEY, config.applicationId());
        }
        return new Gatekeeper(Authenticator.of(jwt, tokens), limits,
                new InstanceCalls(access.instancesSecret(), config.applicationId(), INSTANCE_CALL_TTL, clock), metrics,
                config.maxRequestSize(), bodyDeadline);
    }

    /** The gateway's own topics only; where they all exist it only describes them (see {@link GatewayTopics}). */
    private static void provision(GatewayConfig config, Topics topics) {
        try (Admin admin = Admin.create(config.clientConfig())) {
            ProvisioningReport report = GatewayTopics.provision(admin, topics, config.adminTimeout());
            if (!report.created().isEmpty()) {
                LOG.info("created topics {}", report.created());
            }
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void shutdown(ExecutorService executor) {
        executor.shutdownNow();
    }

    /** The bound HTTP port. */
    public int httpPort() {
        return http.port();
    }

    /**
     * True when Kafka Streams is RUNNING, the stores (the catalog's, the quotas') answer and the
     * request views have caught up since their tasks started here: what {@code /health/ready} says.
     */
    public boolean ready() {
        return readiness.getAsBoolean();
    }

    /** False once Kafka Streams has failed; the process should then be restarted. */
    public boolean live() {
        return health.live();
    }

    /** The Kafka Streams state. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The partitions of the request views this instance owns now (empty while not running). */
    public java.util.Set<Integer> localRequestPartitions() {
        try {
            return store.localPartitions();
        } catch (RetryLaterException e) {
            return java.util.Set.of();
        }
    }

    /** Every route served, as {@code "METHOD /path"} (the OpenAPI document must describe each). */
    public List<String> routes() {
        return routes.stream().map(r -> r.method().name() + " " + r.path()).toList();
    }

    /** Stops the HTTP server, Kafka Streams (within {@code shutdown.timeout}) and the producer. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            LOG.info("stopping capmarket gateway {}", config.applicationId());
            closeAll(resources);
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", resource, e);
            }
        }
    }
}
