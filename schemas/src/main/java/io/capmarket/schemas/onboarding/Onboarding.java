package io.capmarket.schemas.onboarding;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.access.AccessPolicy;
import io.capmarket.schemas.access.AccessRole;
import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.access.Principal;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.TopicSpec;
import io.capmarket.schemas.topics.Topics;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Onboards producers and teams in one step each, as an administrator: their topics, the value
 * schemas they write with, a SCRAM credential, their ACLs ({@link AccessPolicy}) and, for a
 * producer, its approval; and hands back the {@link ClientSettings} to give them. Offboarding
 * revokes the approval, deletes the ACLs and the credential, and keeps the topics unless asked.
 *
 * <pre>{@code
 * try (Onboarding onboarding = Onboarding.builder(topics, adminClientConfig)
 *         .clientRegistryUserInfo("reader:...")
 *         .build()) {
 *     Onboarded dbTeam = onboarding.onboardProducer("db-team", List.of("postgres-database"), "alice");
 *     dbTeam.clientSettings().write(Path.of("db-team.properties"), "db-team's Kafka and registry settings");
 * }
 * }</pre>
 *
 * <p><b>Order.</b> Schemas, credential and ACLs come before the approval, so a producer is never
 * approved without being able to publish. Every step is idempotent; onboarding again issues a new
 * password (the old one stops working) and leaves the rest as it is.
 *
 * <p><b>Schemas.</b> Principals' settings say {@code auto.register.schemas=false}: producers and
 * bots write with the schemas the platform registered and cannot change a contract in the
 * registry. So onboarding registers, with the admin's registry client (the catalogue's), the value
 * schemas of the topics the principal writes, under the subjects of Confluent's
 * {@code TopicNameStrategy} ({@code <topic>-value}).
 *
 * <p><b>Clusters that do not authenticate.</b> Whether the cluster authenticates is a setting
 * ({@link Builder#authenticating(boolean)}), by default read from the admin's own
 * {@code security.protocol} ({@code SASL_PLAINTEXT} or {@code SASL_SSL}). Without it, onboarding
 * still creates topics, schemas and the approval, issues no credential and no ACL, and says so in
 * the log: there, any client may act as any producer.
 *
 * <p>Thread-safe. {@link #close()} closes the clients it created.
 */
public final class Onboarding implements AutoCloseable {

    /** Iterations of the SCRAM-SHA-512 credentials it issues. */
    public static final int SCRAM_ITERATIONS = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(Onboarding.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Topics topics;
    private final AccessPolicy policy;
    private final boolean authenticating;
    private final IssuedSettings issued;
    private final Duration timeout;
    private final Admin admin;
    private final Producer<String, ProducerApproval> approvalProducer;
    private final ProducerOnboarding approvals;
    private final SchemaRegistryClient registry;

    private Onboarding(Builder b) {
        this.topics = b.topics;
        this.policy = b.policy != null ? b.policy : AccessPolicy.of(b.topics);
        this.authenticating = b.authenticating != null ? b.authenticating : saslIn(b.adminClientConfig);
        this.registry = b.topics.registry().orElseThrow(() -> new IllegalArgumentException(
                "the topic catalogue needs the admin's schema registry (Topics.builder().serdeConfig(..)) to register schemas"));
        this.issued = new IssuedSettings(IssuedSettings.clientBase(b.adminClientConfig, b.clientBootstrapServers, authenticating),
                b.clientRegistryUrl != null ? b.clientRegistryUrl
                        : String.join(",", registry.config().urls().stream().map(Object::toString).toList()),
                Optional.ofNullable(b.clientRegistryUserInfo),
                b.platformRegistryUserInfo != null ? Optional.of(b.platformRegistryUserInfo) : registry.config().userInfo());
        this.timeout = b.timeout;
        Map<String, Object> producerConfig = new HashMap<>(b.adminClientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
        producerConfig.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        producerConfig.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "capmarket-onboarding");
        this.admin = Admin.create(new HashMap<>(b.adminClientConfig));
        try {
            Topic<String, ProducerApproval> producers = topics.producers();
            this.approvalProducer = new KafkaProducer<>(producerConfig, producers.keySerde().serializer(),
                    producers.valueSerde().serializer());
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
        this.approvals = new ProducerOnboarding(admin, approvalProducer, topics, timeout, b.clock);
    }

    /**
     * Starts an onboarding configuration.
     *
     * @param topics the catalogue, built with the admin's registry settings ({@code serdeConfig})
     * @param adminClientConfig the admin's Kafka client settings: {@code bootstrap.servers} and its security settings
     */
    public static Builder builder(Topics topics, Map<String, ?> adminClientConfig) {
        return new Builder(topics, adminClientConfig);
    }

    /** Whether this cluster authenticates clients, so that credentials and ACLs are issued. */
    public boolean authenticating() {
        return authenticating;
    }

    /** The ACLs it grants. */
    public AccessPolicy policy() {
        return policy;
    }

    /**
     * Onboards a producer: registers the value schemas of its offers, heartbeats and fulfilment
     * topics, creates its four topics (or checks them: one that differs stops it here, before any
     * credential changes, so that onboarding again never locks out a producer that works), creates
     * its ACLs, publishes its approval, and issues its SCRAM credential last: a step that fails
     * leaves the password it had working, and running again is safe.
     *
     * @param producerId one topic-name segment (kebab-case recommended)
     * @param capabilities kebab-case capability names, or {@code "*"} alone
     * @param approvedBy who approves, for the audit trail
     * @throws IllegalArgumentException naming a bad argument; nothing was changed
     * @throws KafkaException when the cluster refuses or does not answer in time; safe to repeat
     */
    public Onboarded onboardProducer(String producerId, List<String> capabilities, String approvedBy) {
        Principal principal = policy.producer(producerId);
        ProducerNames.requireCapabilities(capabilities);
        AdminCalls.requireActor("approvedBy", approvedBy);
        registerValueSchemas(Map.of(
                topics.offers(producerId).name(), CapabilityOffer.getClassSchema(),
                topics.heartbeats(producerId).name(), ProducerHeartbeat.getClassSchema(),
                topics.fulfilment(producerId).name(), FulfilmentEvent.getClassSchema()));
        new TopicProvisioner(admin, timeout).ensure(topics.producerTopics(producerId).stream().<TopicSpec>map(Topic::spec).toList());
        List<AclBinding> acls = grantAcls(principal);
        ProducerApproval approval = approvals.approve(producerId, capabilities, approvedBy);
        Access access = issueCredential(principal, acls);
        List<String> names = topics.producerTopics(producerId).stream().<String>map(Topic::name).toList();
        LOG.info("onboarded producer {} as {} for {} (topics {}, {} ACLs, credential {})", producerId, principal, capabilities,
                names, access.acls().size(), access.password().isPresent() ? "issued" : "not issued");
        return new Onboarded(principal, Optional.of(approval), names, access.acls(), access.password().isPresent(),
                issued.forPrincipal(principal, access.password(), false));
    }

    /**
     * Offboards a producer: revokes its approval first (no new work reaches it), then deletes its
     * ACLs (effective at once, even on open connections) and its credential, and its topics when asked.
     *
     * @param deleteTopics whether to delete its four topics too (work in flight on them is lost)
     */
    public Offboarded offboardProducer(String producerId, String revokedBy, boolean deleteTopics) {
        Principal principal = policy.producer(producerId);
        AdminCalls.requireActor("revokedBy", revokedBy);
        approvals.revoke(producerId, revokedBy);
        Revoked revoked = revokeAccess(principal);
        List<String> deleted = deleteTopics
                ? deleteTopics(topics.producerTopics(producerId).stream().<String>map(Topic::name).toList())
                : List.of();
        LOG.info("offboarded producer {} ({}; {} ACLs deleted, credential {}, topics {})", producerId, principal,
                revoked.acls(), revoked.credential() ? "deleted" : "none", deleteTopics ? "deleted" : "kept");
        return new Offboarded(principal, true, revoked.acls(), revoked.credential(), deleted);
    }

    /**
     * Onboards a team's bots: registers the value schema of {@code team.<team>.requests}, creates
     * it (or checks it: one that differs stops it here, before any credential changes), creates the
     * team's ACLs and issues its SCRAM credential, last.
     *
     * @param onboardedBy who onboards, for the log
     */
    public Onboarded onboardTeam(String team, String onboardedBy) {
        Principal principal = policy.team(team);
        AdminCalls.requireActor("onboardedBy", onboardedBy);
        Topic<String, RequestCommand> requests = topics.teamRequests(team);
        registerValueSchemas(Map.of(requests.name(), RequestCommand.getClassSchema()));
        new TopicProvisioner(admin, timeout).ensure(List.of(alignedWithGatewayRequests(requests.spec())));
        Access access = issueCredential(principal, grantAcls(principal));
        LOG.info("onboarded team {} as {} (by {}; topic {}, {} ACLs, credential {})", team, principal, onboardedBy,
                requests.name(), access.acls().size(), access.password().isPresent() ? "issued" : "not issued");
        return new Onboarded(principal, Optional.empty(), List.of(requests.name()), access.acls(), access.password().isPresent(),
                issued.forPrincipal(principal, access.password(), false));
    }

    /** Offboards a team's bots: deletes their ACLs and credential, and their requests topic when asked. */
    public Offboarded offboardTeam(String team, String offboardedBy, boolean deleteTopic) {
        Principal principal = policy.team(team);
        AdminCalls.requireActor("offboardedBy", offboardedBy);
        Revoked revoked = revokeAccess(principal);
        List<String> deleted = deleteTopic ? deleteTopics(List.of(topics.teamRequests(team).name())) : List.of();
        LOG.info("offboarded team {} ({}, by {}; {} ACLs deleted, credential {}, topic {})", team, principal, offboardedBy,
                revoked.acls(), revoked.credential() ? "deleted" : "none", deleteTopic ? "deleted" : "kept");
        return new Offboarded(principal, false, revoked.acls(), revoked.credential(), deleted);
    }

    /**
     * Issues a platform principal (the topology or the gateway) its credential and ACLs. Its
     * settings carry the platform's registry credentials and let it register schemas: it writes
     * the platform's topics.
     *
     * @throws IllegalArgumentException for an admin, producer or team principal
     */
    public Onboarded onboardPlatform(Principal principal) {
        if (principal.role() != AccessRole.TOPOLOGY && principal.role() != AccessRole.GATEWAY) {
            throw new IllegalArgumentException("principal must be the topology's or the gateway's, but was " + principal
                    + " (" + principal.role() + ")");
        }
        Access access = issueCredential(principal, grantAcls(principal));
        LOG.info("issued {} ({}) {} ACLs, credential {}", principal, principal.role(), access.acls().size(),
                access.password().isPresent() ? "issued" : "not issued");
        return new Onboarded(principal, Optional.empty(), List.of(), access.acls(), access.password().isPresent(),
                issued.forPrincipal(principal, access.password(), true));
    }

    // ---- steps

    private record Access(List<AclBinding> acls, Optional<String> password) {
    }

    private record Revoked(int acls, boolean credential) {
    }

    /**
     * Makes the principal's grants exactly the policy's: creates its ACLs (creating them again changes
     * nothing), then deletes every other ALLOW ACL it holds, such as an older policy's after its
     * application id or the topics' prefix changed, or one granted by hand. A DENY ACL stays: it
     * only ever takes rights away. None when the cluster does not authenticate.
     */
    private List<AclBinding> grantAcls(Principal principal) {
        if (!authenticating) {
            LOG.warn("the cluster does not authenticate clients (the admin's security.protocol is not SASL_*): {} gets no "
                    + "credential and no ACLs; any client of this cluster can act as it", principal);
            return List.of();
        }
        List<AclBinding> acls = policy.bindings(principal);
        if (!acls.isEmpty()) {
            await(admin.createAcls(acls).all(), "creating the ACLs of " + principal);
        }
        Set<AclBinding> granted = Set.copyOf(acls);
        List<AclBinding> stale = await(admin.describeAcls(everyAclOf(principal)).values(), "describing the ACLs of " + principal)
                .stream().filter(held -> held.entry().permissionType() == AclPermissionType.ALLOW && !granted.contains(held)).toList();
        if (!stale.isEmpty()) {
            stale.forEach(binding -> LOG.warn("deleting an ACL of {} that its policy does not grant: {}", principal, binding));
            await(admin.deleteAcls(stale.stream().map(AclBinding::toFilter).toList()).all(), "deleting the stale ACLs of " + principal);
        }
        return acls;
    }

    private static AclBindingFilter everyAclOf(Principal principal) {
        return new AclBindingFilter(ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(principal.kafkaPrincipal(), null, AclOperation.ANY, AclPermissionType.ANY));
    }

    /**
     * Sets a new SCRAM credential for the principal: the last step of an onboarding, since it is the
     * one that ends the password the principal had.
     */
    private Access issueCredential(Principal principal, List<AclBinding> acls) {
        if (!authenticating) {
            return new Access(acls, Optional.empty());
        }
        String password = randomPassword();
        await(admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(principal.user(),
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password))).all(),
                "setting the SCRAM credential of " + principal);
        return new Access(acls, Optional.of(password));
    }

    private Revoked revokeAccess(Principal principal) {
        if (!authenticating) {
            LOG.warn("the cluster does not authenticate clients (the admin's security.protocol is not SASL_*): {} had no "
                    + "credential or ACLs to delete", principal);
            return new Revoked(0, false);
        }
        // every ACL of the principal, not only those today's policy computes: an older policy's, or
        // one granted by hand, must not outlive the principal
        int acls = await(admin.deleteAcls(List.of(everyAclOf(principal))).all(), "deleting the ACLs of " + principal).size();
        boolean credential;
        try {
            await(admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(principal.user(),
                    ScramMechanism.SCRAM_SHA_512))).all(), "deleting the SCRAM credential of " + principal);
            credential = true;
        } catch (KafkaException e) {
            if (!(e.getCause() instanceof ResourceNotFoundException)) {
                throw e;
            }
            credential = false; // already gone: offboarding again is fine
        }
        return new Revoked(acls, credential);
    }

    /**
     * A team's requests topic gets as many partitions as the gateway's {@code requests} when that
     * exists: the topology remembers a request in the task of its requestId's partition, so a
     * cancel through the gateway finds a request a bot submitted only when both topics partition
     * alike.
     */
    private TopicSpec alignedWithGatewayRequests(TopicSpec spec) {
        String gateway = topics.requests().name();
        try {
            int partitions = await(admin.describeTopics(List.of(gateway)).allTopicNames(), "describing " + gateway)
                    .get(gateway).partitions().size();
            return new TopicSpec(spec.name(), partitions, spec.replicationFactor(), spec.cleanupPolicy(), spec.configs());
        } catch (KafkaException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
            return spec; // no gateway topic yet: the topology creates it with the same default partitions
        }
    }

    private void registerValueSchemas(Map<String, Schema> byTopic) {
        new java.util.TreeMap<>(byTopic).forEach((topic, schema) -> {
            int id = registry.register(topic + "-value", schema);
            LOG.debug("registered {} as id {} under {}-value", schema.getFullName(), id, topic);
        });
    }

    private List<String> deleteTopics(List<String> names) {
        List<String> deleted = new ArrayList<>();
        admin.deleteTopics(names).topicNameValues().forEach((name, future) -> {
            try {
                await(future, "deleting topic " + name);
                deleted.add(name);
            } catch (KafkaException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        });
        return deleted;
    }

    private static boolean saslIn(Map<String, ?> adminConfig) {
        Object protocol = adminConfig.get("security.protocol");
        return protocol != null && protocol.toString().trim().toUpperCase(java.util.Locale.ROOT).startsWith("SASL_");
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        return AdminCalls.await(future, timeout, what);
    }

    /** Closes the clients it created. */
    @Override
    public void close() {
        approvalProducer.close(timeout);
        admin.close(timeout);
    }

    /** Configures onboarding. */
    public static final class Builder {

        private final Topics topics;
        private final Map<String, ?> adminClientConfig;
        private AccessPolicy policy;
        private Boolean authenticating;
        private String clientBootstrapServers;
        private String clientRegistryUrl;
        private String clientRegistryUserInfo;
        private String platformRegistryUserInfo;
        private Duration timeout = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();

        private Builder(Topics topics, Map<String, ?> adminClientConfig) {
            this.topics = Objects.requireNonNull(topics, "topics");
            this.adminClientConfig = Map.copyOf(Objects.requireNonNull(adminClientConfig, "adminClientConfig"));
        }

        /** The ACLs to grant; default {@link AccessPolicy#of(Topics)} over the same catalogue. */
        public Builder policy(AccessPolicy policy) {
            if (policy.topics() != topics && !policy.topics().prefix().equals(topics.prefix())) {
                throw new IllegalArgumentException("the policy's topic prefix '" + policy.topics().prefix()
                        + "' must be the catalogue's, '" + topics.prefix() + "'");
            }
            this.policy = policy;
            return this;
        }

        /**
         * Whether the cluster authenticates clients (SASL) and authorizes them by ACLs, so that
         * credentials and ACLs are issued. By default: whether the admin's {@code security.protocol}
         * is {@code SASL_PLAINTEXT} or {@code SASL_SSL}.
         */
        public Builder authenticating(boolean authenticating) {
            this.authenticating = authenticating;
            return this;
        }

        /** The {@code bootstrap.servers} principals connect to; default the admin's. */
        public Builder clientBootstrapServers(String servers) {
            if (servers == null || servers.isBlank()) {
                throw new IllegalArgumentException("clientBootstrapServers must name at least one host:port, but was '" + servers + "'");
            }
            this.clientBootstrapServers = servers;
            return this;
        }

        /** The {@code schema.registry.url} principals use; default the admin's (the catalogue's). */
        public Builder clientRegistryUrl(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("clientRegistryUrl must be a URL, but was '" + url + "'");
            }
            this.clientRegistryUrl = url;
            return this;
        }

        /** {@code user:password} producers and bots use with the registry (a user that may only read); default none. */
        public Builder clientRegistryUserInfo(String userInfo) {
            this.clientRegistryUserInfo = requireUserInfo("clientRegistryUserInfo", userInfo);
            return this;
        }

        /** {@code user:password} the topology and the gateway use with the registry; default the admin's. */
        public Builder platformRegistryUserInfo(String userInfo) {
            this.platformRegistryUserInfo = requireUserInfo("platformRegistryUserInfo", userInfo);
            return this;
        }

        /** How long each admin call and acknowledgement may take; default 30 s. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be greater than 0, but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** The clock stamping approvals; default UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Connects the admin clients.
         *
         * @throws IllegalArgumentException when the catalogue has no registry or the settings lack {@code bootstrap.servers}
         */
        public Onboarding build() {
            return new Onboarding(this);
        }

        private static String requireUserInfo(String what, String userInfo) {
            if (userInfo == null || userInfo.indexOf(':') <= 0) {
                throw new IllegalArgumentException(what + " must be user:password");
            }
            return userInfo;
        }
    }
}
