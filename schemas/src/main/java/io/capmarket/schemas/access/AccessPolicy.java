package io.capmarket.schemas.access;

import io.capmarket.schemas.onboarding.ProducerNames;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a capmarket cluster, as data: the Kafka ACLs of every principal, derived
 * from the {@link Topics} catalogue. Pure: it talks to no broker; onboarding and the dev run
 * create what it returns.
 *
 * <p>The layout is the trust boundary (see {@link Topics}); these ACLs close it:
 * <ul>
 *   <li>a <b>producer</b> ({@code User:producer.<producerId>}) writes only its own offers,
 *       heartbeats and fulfilment topics (LITERAL ACLs: it cannot write its assignments, nor
 *       create a topic under its prefix), reads and describes its own prefix (its assignments,
 *       its offers for {@code sync}) and uses consumer groups under it;</li>
 *   <li>a <b>team</b>'s bots ({@code User:team.<team>}) write only {@code team.<team>.requests},
 *       read {@code request-status} and use consumer groups under {@code team.<team>.};</li>
 *   <li>the <b>gateway</b> writes {@code requests} (for the team it authenticated over HTTP), reads
 *       {@code requests}, {@code request-status}, {@code catalog} and {@code scorecard}, reads {@code team-usage}, writes and reads the
 *       admins' {@code approval-policies} and {@code quotas}, writes their {@code contract-owners} (and their
 *       configs, to check them at start; it creates no topic: the topology or the admin does), describes
 *       the topology's group (its committed positions on {@code requests}) and owns
 *       its Kafka Streams application's internal topics, group and transactional ids;</li>
 *   <li>the <b>topology</b> reads every producer's and team's topics by prefix and the gateway's
 *       {@code requests}, writes the platform's facts and every producer's assignments, creates
 *       topics under the catalogue's prefix and owns its Streams application's internals;</li>
 *   <li>the <b>admin</b> is Kafka's super user ({@code super.users}) and needs no ACL.</li>
 * </ul>
 *
 * <p>The topology's topic ACLs on the producers' prefix are PREFIXED (READ and WRITE on
 * {@code producer.}), not per producer: it writes every producer's assignments, and a producer
 * approved through the topology's own settings, without onboarding, must still get work. The
 * topology is the platform: it already decides every status, so confining it per producer
 * would protect nothing.
 *
 * <pre>{@code
 * AccessPolicy policy = AccessPolicy.builder(topics).build();
 * admin.createAcls(policy.bindings(policy.producer("db-team")));
 * System.out.println(policy.markdownMatrix());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class AccessPolicy {

    /** The admin's SCRAM user unless configured otherwise. */
    public static final String DEFAULT_ADMIN_USER = "admin";
    /** The topology's SCRAM user unless configured otherwise. */
    public static final String DEFAULT_TOPOLOGY_USER = "capmarket-topology";
    /** The topology's Kafka Streams {@code application.id} unless configured otherwise (its default). */
    public static final String DEFAULT_TOPOLOGY_APPLICATION_ID = "capmarket-topology";
    /** The gateway's SCRAM user unless configured otherwise. */
    public static final String DEFAULT_GATEWAY_USER = "capmarket-gateway";
    /** The gateway's Kafka Streams {@code application.id} unless configured otherwise (its default). */
    public static final String DEFAULT_GATEWAY_APPLICATION_ID = "capmarket-gateway";
    /** A producer's SCRAM user is this followed by its producer id: {@code producer.db-team}. */
    public static final String PRODUCER_USER_PREFIX = "producer.";
    /** A team's bots' SCRAM user is this followed by the team: {@code team.payments}. */
    public static final String TEAM_USER_PREFIX = "team.";

    /** SCRAM user names: safe in JAAS quotes and in SCRAM's user-name syntax (no ',' or '='). */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final String ANY_HOST = "*";
    private static final String CLUSTER = "kafka-cluster";
    private static final String PRODUCER_PLACEHOLDER = "x-producer-id-x";
    private static final String TEAM_PLACEHOLDER = "x-team-x";

    private final Topics topics;
    private final Principal admin;
    private final Principal topology;
    private final Principal gateway;
    private final String topologyApplicationId;
    private final String gatewayApplicationId;

    private AccessPolicy(Builder builder) {
        this.topics = builder.topics;
        this.admin = new Principal(AccessRole.ADMIN, builder.adminUser, Optional.empty());
        this.topology = new Principal(AccessRole.TOPOLOGY, builder.topologyUser, Optional.empty());
        this.gateway = new Principal(AccessRole.GATEWAY, builder.gatewayUser, Optional.empty());
        this.topologyApplicationId = builder.topologyApplicationId;
        this.gatewayApplicationId = builder.gatewayApplicationId;
    }

    /** A policy over this catalogue with the default principals and application ids. */
    public static AccessPolicy of(Topics topics) {
        return builder(topics).build();
    }

    /** Starts a policy over this catalogue; every setting has a default. */
    public static Builder builder(Topics topics) {
        return new Builder(topics);
    }

    /** The catalogue the ACLs name topics of. */
    public Topics topics() {
        return topics;
    }

    /** The super user. */
    public Principal admin() {
        return admin;
    }

    /** The topology's principal. */
    public Principal topology() {
        return topology;
    }

    /** The gateway's principal. */
    public Principal gateway() {
        return gateway;
    }

    /** The topology's Kafka Streams {@code application.id}: the prefix of its internal topics, group and transactional ids. */
    public String topologyApplicationId() {
        return topologyApplicationId;
    }

    /** The gateway's Kafka Streams {@code application.id}. */
    public String gatewayApplicationId() {
        return gatewayApplicationId;
    }

    /**
     * A producer's principal, {@code User:producer.<producerId>}.
     *
     * @throws IllegalArgumentException naming the producer id and the rule when it is not one topic-name segment
     */
    public Principal producer(String producerId) {
        ProducerNames.requireProducerId(producerId);
        return new Principal(AccessRole.PRODUCER, PRODUCER_USER_PREFIX + producerId, Optional.of(producerId));
    }

    /**
     * A team's bots' principal, {@code User:team.<team>}.
     *
     * @throws IllegalArgumentException naming the team and the rule when it is not one topic-name segment
     */
    public Principal team(String team) {
        ProducerNames.requireTeam(team);
        return new Principal(AccessRole.TEAM, TEAM_USER_PREFIX + team, Optional.of(team));
    }

    /** Every ACL of a principal (none for the admin, a super user). */
    public List<AclBinding> bindings(Principal principal) {
        return switch (principal.role()) {
            case ADMIN -> List.of();
            case TOPOLOGY -> topologyBindings(principal);
            case GATEWAY -> gatewayBindings(principal);
            case PRODUCER -> producerBindings(principal, principal.owner().orElseThrow());
            case TEAM -> teamBindings(principal, principal.owner().orElseThrow());
        };
    }

    /** The ACLs of the platform's principals, the topology and the gateway: what a cluster needs before any onboarding. */
    public List<AclBinding> platformBindings() {
        List<AclBinding> bindings = new ArrayList<>(bindings(topology));
        bindings.addAll(bindings(gateway));
        return List.copyOf(bindings);
    }

    private List<AclBinding> topologyBindings(Principal p) {
        Acls acls = new Acls(p);
        String prefix = topics.prefix();
        // every producer's offers, heartbeats and fulfilment in; every producer's assignments out
        acls.topic(prefix + Topics.PRODUCER_SEGMENT, PatternType.PREFIXED, AclOperation.READ, AclOperation.WRITE,
                AclOperation.DESCRIBE_CONFIGS);
        acls.topic(prefix + Topics.TEAM_SEGMENT, PatternType.PREFIXED, AclOperation.READ);
        acls.topic(topics.requests().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
        acls.topic(topics.approvalPolicies().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
        acls.topic(topics.contractOwners().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
        acls.topic(topics.quotas().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
        for (Topic<?, ?> topic : topics.platform()) {
            acls.topic(topic.name(), PatternType.LITERAL, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);
        }
        // the shared topics and the producers' topics it provisions (producers approved in its settings)
        if (prefix.isEmpty()) {
            acls.add(ResourceType.CLUSTER, CLUSTER, PatternType.LITERAL, AclOperation.CREATE);
        } else {
            acls.topic(prefix, PatternType.PREFIXED, AclOperation.CREATE);
        }
        streamsApplication(acls, topologyApplicationId);
        return acls.list();
    }

    private List<AclBinding> gatewayBindings(Principal p) {
        Acls acls = new Acls(p);
        // it checks its topics' configs at start (DESCRIBE_CONFIGS); it creates none: the topology or the admin does
        acls.topic(topics.requests().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);
        acls.topic(topics.requestStatus().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
        acls.topic(topics.catalog().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
        acls.topic(topics.scorecard().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
        // the admins' approval policies and quotas: set through the gateway's API, read back into its answers
        acls.topic(topics.approvalPolicies().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.WRITE,
                AclOperation.DESCRIBE_CONFIGS);
        // the admins' contract handovers: set through the gateway's API, read only by the topology
        acls.topic(topics.contractOwners().name(), PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);
        acls.topic(topics.quotas().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);
        acls.topic(topics.teamUsage().name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
        // the topology's committed positions on requests: which accepted submits it has not taken yet (never joins or commits)
        acls.add(ResourceType.GROUP, topologyApplicationId, PatternType.LITERAL, AclOperation.DESCRIBE);
        streamsApplication(acls, gatewayApplicationId);
        return acls.list();
    }

    private List<AclBinding> producerBindings(Principal p, String producerId) {
        Acls acls = new Acls(p);
        acls.topic(topics.producerPrefix(producerId), PatternType.PREFIXED, AclOperation.READ, AclOperation.DESCRIBE);
        acls.topic(topics.offers(producerId).name(), PatternType.LITERAL, AclOperation.WRITE);
        acls.topic(topics.heartbeats(producerId).name(), PatternType.LITERAL, AclOperation.WRITE);
        acls.topic(topics.fulfilment(producerId).name(), PatternType.LITERAL, AclOperation.WRITE);
        acls.add(ResourceType.GROUP, topics.producerPrefix(producerId), PatternType.PREFIXED, AclOperation.READ);
        return acls.list();
    }

    private List<AclBinding> teamBindings(Principal p, String team) {
        Acls acls = new Acls(p);
        acls.topic(topics.teamRequests(team).name(), PatternType.LITERAL, AclOperation.WRITE);
        acls.topic(topics.requestStatus().name(), PatternType.LITERAL, AclOperation.READ);
        acls.add(ResourceType.GROUP, topics.teamPrefix(team), PatternType.PREFIXED, AclOperation.READ);
        return acls.list();
    }

    /** A Kafka Streams application's internal topics ({@code <id>-...}), group ({@code <id>}) and transactional ids ({@code <id>-...}). */
    private static void streamsApplication(Acls acls, String applicationId) {
        acls.topic(applicationId + "-", PatternType.PREFIXED, AclOperation.ALL);
        acls.add(ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ);
        acls.add(ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED, AclOperation.WRITE, AclOperation.DESCRIBE);
    }

    // ---- rendering

    /**
     * The ACL matrix of every role as a markdown table, with {@code <producerId>} and {@code <team>}
     * standing for any producer and team.
     */
    public String markdownMatrix() {
        return placeholders(markdownMatrix(samplePrincipals()));
    }

    /** The ACL matrix of these principals as a markdown table: principal, resource, pattern, name, operations. */
    public String markdownMatrix(List<Principal> principals) {
        StringBuilder out = new StringBuilder("| principal | resource | pattern | name | operations |\n|---|---|---|---|---|\n");
        for (Principal principal : principals) {
            if (principal.role() == AccessRole.ADMIN) {
                out.append("| `").append(principal.kafkaPrincipal())
                        .append("` | every resource | | | all (super user, `super.users`; no ACL needed) |\n");
                continue;
            }
            grouped(bindings(principal)).forEach((pattern, operations) -> out.append("| `").append(principal.kafkaPrincipal())
                    .append("` | ").append(lower(pattern.resourceType().name())).append(" | ")
                    .append(lower(pattern.patternType().name())).append(" | `").append(pattern.name()).append("` | ")
                    .append(operations.stream().map(AclOperation::name).collect(Collectors.joining(", "))).append(" |\n"));
        }
        return out.toString();
    }

    /**
     * What each role may read and write, as a markdown table (the threat model's first column),
     * with {@code <producerId>} and {@code <team>} standing for any producer and team; a name
     * ending in {@code *} is a prefix.
     */
    public String markdownSummary() {
        StringBuilder out = new StringBuilder("| principal | reads | writes | also |\n|---|---|---|---|\n");
        for (Principal principal : samplePrincipals()) {
            if (principal.role() == AccessRole.ADMIN) {
                out.append("| `").append(principal.kafkaPrincipal()).append("` (admin) | everything | everything | "
                        + "creates topics, SCRAM credentials, ACLs; writes approvals (super user) |\n");
                continue;
            }
            Map<ResourcePattern, List<AclOperation>> grouped = grouped(bindings(principal));
            List<String> reads = new ArrayList<>();
            List<String> writes = new ArrayList<>();
            List<String> creates = new ArrayList<>();
            List<String> also = new ArrayList<>();
            grouped.forEach((pattern, operations) -> {
                String name = "`" + pattern.name() + (pattern.patternType() == PatternType.PREFIXED ? "*" : "") + "`";
                if (pattern.resourceType() != ResourceType.TOPIC) {
                    also.add(lower(pattern.resourceType().name()).replace('_', ' ') + " " + name);
                    return;
                }
                if (operations.contains(AclOperation.ALL)) {
                    also.add("all on " + name);
                    return;
                }
                if (operations.contains(AclOperation.READ)) {
                    reads.add(name);
                }
                if (operations.contains(AclOperation.WRITE)) {
                    writes.add(name);
                }
                if (operations.contains(AclOperation.CREATE)) {
                    creates.add(name);
                }
            });
            if (!creates.isEmpty()) {
                also.add(0, "create " + String.join(", ", creates));
            }
            out.append("| `").append(principal.kafkaPrincipal()).append("` (").append(lower(principal.role().name()))
                    .append(") | ").append(orNothing(reads)).append(" | ").append(orNothing(writes)).append(" | ")
                    .append(orNothing(also)).append(" |\n");
        }
        return placeholders(out.toString());
    }

    private List<Principal> samplePrincipals() {
        return List.of(admin, topology, gateway, producer(PRODUCER_PLACEHOLDER), team(TEAM_PLACEHOLDER));
    }

    private static String placeholders(String text) {
        return text.replace(PRODUCER_PLACEHOLDER, "<producerId>").replace(TEAM_PLACEHOLDER, "<team>");
    }

    private static Map<ResourcePattern, List<AclOperation>> grouped(List<AclBinding> bindings) {
        Map<ResourcePattern, List<AclOperation>> grouped = new LinkedHashMap<>();
        for (AclBinding binding : bindings) {
            grouped.computeIfAbsent(binding.pattern(), k -> new ArrayList<>()).add(binding.entry().operation());
        }
        return grouped;
    }

    private static String orNothing(List<String> items) {
        return items.isEmpty() ? "nothing" : String.join(", ", items);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Collects one principal's ALLOW entries, from any host. */
    private static final class Acls {

        private final String principal;
        private final List<AclBinding> bindings = new ArrayList<>();

        Acls(Principal principal) {
            this.principal = principal.kafkaPrincipal();
        }

        void topic(String name, PatternType patternType, AclOperation... operations) {
            add(ResourceType.TOPIC, name, patternType, operations);
        }

        void add(ResourceType type, String name, PatternType patternType, AclOperation... operations) {
            ResourcePattern pattern = new ResourcePattern(type, name, patternType);
            for (AclOperation operation : operations) {
                bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, ANY_HOST, operation, AclPermissionType.ALLOW)));
            }
        }

        List<AclBinding> list() {
            return List.copyOf(bindings);
        }
    }

    /** Configures a policy. Every setting has a default. */
    public static final class Builder {

        private final Topics topics;
        private String adminUser = DEFAULT_ADMIN_USER;
        private String topologyUser = DEFAULT_TOPOLOGY_USER;
        private String topologyApplicationId = DEFAULT_TOPOLOGY_APPLICATION_ID;
        private String gatewayUser = DEFAULT_GATEWAY_USER;
        private String gatewayApplicationId = DEFAULT_GATEWAY_APPLICATION_ID;

        private Builder(Topics topics) {
            this.topics = Objects.requireNonNull(topics, "topics");
        }

        /** The super user's SCRAM name, default {@value AccessPolicy#DEFAULT_ADMIN_USER}. */
        public Builder adminUser(String user) {
            this.adminUser = platformUser("adminUser", user);
            return this;
        }

        /** The topology's SCRAM user and Streams {@code application.id}, default {@value AccessPolicy#DEFAULT_TOPOLOGY_USER} for both. */
        public Builder topology(String user, String applicationId) {
            this.topologyUser = platformUser("topology user", user);
            this.topologyApplicationId = applicationId("topology application.id", applicationId);
            return this;
        }

        /** The gateway's SCRAM user and Streams {@code application.id}, default {@value AccessPolicy#DEFAULT_GATEWAY_USER} for both. */
        public Builder gateway(String user, String applicationId) {
            this.gatewayUser = platformUser("gateway user", user);
            this.gatewayApplicationId = applicationId("gateway application.id", applicationId);
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalArgumentException when two platform principals share a user or the two applications an id
         */
        public AccessPolicy build() {
            if (adminUser.equals(topologyUser) || adminUser.equals(gatewayUser) || topologyUser.equals(gatewayUser)) {
                throw new IllegalArgumentException("admin, topology and gateway must be different users, but were '" + adminUser
                        + "', '" + topologyUser + "' and '" + gatewayUser + "'");
            }
            for (String id : List.of(topologyApplicationId, gatewayApplicationId)) {
                for (String segment : List.of(Topics.PRODUCER_SEGMENT, Topics.TEAM_SEGMENT)) {
                    if (id.startsWith(topics.prefix() + segment)) {
                        throw new IllegalArgumentException("an application.id must not start with '" + topics.prefix() + segment
                                + "': the ACLs of its internal topics ('" + id + "-' and after) would reach producers' or teams' "
                                + "topics, but was '" + id + "'");
                    }
                }
            }
            if (topologyApplicationId.startsWith(gatewayApplicationId + "-") || gatewayApplicationId.startsWith(topologyApplicationId + "-")
                    || topologyApplicationId.equals(gatewayApplicationId)) {
                throw new IllegalArgumentException("the topology's and the gateway's application.id must not be equal or one a prefix "
                        + "of the other followed by '-' (their ACLs would overlap), but were '" + topologyApplicationId + "' and '"
                        + gatewayApplicationId + "'");
            }
            return new AccessPolicy(this);
        }

        private static String platformUser(String what, String user) {
            if (user == null || !USER.matcher(user).matches()) {
                throw new IllegalArgumentException(what + " must be 1 to 200 characters of A-Z, a-z, 0-9, '.', '_' and '-', but was '"
                        + user + "'");
            }
            if (user.startsWith(PRODUCER_USER_PREFIX) || user.startsWith(TEAM_USER_PREFIX)) {
                throw new IllegalArgumentException(what + " must not start with '" + PRODUCER_USER_PREFIX + "' or '" + TEAM_USER_PREFIX
                        + "' (the names of producers' and teams' principals), but was '" + user + "'");
            }
            return user;
        }

        private static String applicationId(String what, String id) {
            if (id == null || !USER.matcher(id).matches()) {
                throw new IllegalArgumentException(what + " must be 1 to 200 characters of A-Z, a-z, 0-9, '.', '_' and '-', but was '"
                        + id + "'");
            }
            return id;
        }
    }
}
