package io.capmarket.schemas.onboarding;

import io.capmarket.schemas.access.AccessPolicy;
import io.capmarket.schemas.access.Principal;
import io.capmarket.schemas.registry.IncompatibleSchemaException;
import io.capmarket.schemas.registry.SchemaRegistryException;
import io.capmarket.schemas.topics.TopicMismatchException;
import io.capmarket.schemas.topics.Topics;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;

/**
 * {@code capmarket producer|team onboard|offboard} and {@code capmarket platform onboard}: the
 * administrator's command around {@link Onboarding}. Onboarding prints the principal's client
 * settings (its password among them) as {@code .properties}, or writes them to {@code --out}
 * readable by its owner only.
 *
 * <pre>
 * capmarket producer onboard  --producer-id ID --capabilities a,b [connection] [--out FILE]
 * capmarket producer offboard --producer-id ID [--delete-topics] [connection]
 * capmarket team onboard      --team T [connection] [--out FILE]
 * capmarket team offboard     --team T [--delete-topics] [connection]
 * capmarket platform onboard  --role topology|gateway [--principal NAME] [--application-id ID] [connection] [--out FILE]
 *
 * connection: [--bootstrap-servers HOSTS] [--command-config FILE] [--schema-registry-url URL]
 *             [--topics-prefix PREFIX] [--partitions N] [--client-bootstrap-servers HOSTS] [--by NAME]
 * </pre>
 *
 * <p>{@code --command-config} is the admin's client settings file: Kafka's ({@code bootstrap.servers},
 * {@code security.protocol}, {@code sasl.*}, {@code ssl.*}), the registry's ({@code schema.registry.url},
 * {@code basic.auth.user.info}) and {@value #CLIENT_REGISTRY_USER_INFO}, the registry credentials
 * (a user that may only read) written into every onboarded principal's settings. Flags win over
 * the file. Whether to issue credentials and ACLs follows the admin's {@code security.protocol}.
 *
 * <p>{@code platform onboard} issues the topology's or the gateway's principal (default
 * {@value AccessPolicy#DEFAULT_TOPOLOGY_USER} and {@value AccessPolicy#DEFAULT_GATEWAY_USER}) its
 * credential and ACLs, which follow its Kafka Streams {@code application.id} (default the same
 * name; it must be the one the application runs with). It creates no topic: the topology creates
 * the platform's when it starts. Its settings carry the registry credentials of
 * {@value #PLATFORM_REGISTRY_USER_INFO} from {@code --command-config}, else the admin's, and let it
 * register schemas. The topology and the gateway read that file with their {@code client.properties}
 * setting.
 *
 * <p>Exit codes: 0 done, 1 Kafka or the registry failed (safe to run again), 2 bad arguments
 * (nothing was changed).
 */
public final class OnboardingCommand {

    /** Success. */
    public static final int OK = 0;
    /** Kafka or the registry failed or refused; running again is safe. */
    public static final int FAILED = 1;
    /** Bad arguments; nothing was changed. */
    public static final int USAGE = 2;
    /** The {@code --command-config} key of the registry credentials handed to onboarded principals. */
    public static final String CLIENT_REGISTRY_USER_INFO = "capmarket.clients.basic.auth.user.info";
    /** The {@code --command-config} key of the registry credentials handed to a platform principal (default the admin's). */
    public static final String PLATFORM_REGISTRY_USER_INFO = "capmarket.platform.basic.auth.user.info";

    private static final List<String> VALUE_OPTIONS = List.of("--producer-id", "--team", "--capabilities", "--bootstrap-servers",
            "--command-config", "--schema-registry-url", "--topics-prefix", "--partitions", "--out", "--client-bootstrap-servers", "--by",
            "--role", "--principal", "--application-id");
    private static final List<String> PLATFORM_OPTIONS = List.of("--role", "--principal", "--application-id");
    private static final String TOPOLOGY = "topology";
    private static final String GATEWAY = "gateway";

    private OnboardingCommand() {
    }

    /** What to do: a producer or a team, onboarded or offboarded; a platform principal, onboarded. */
    enum Action {
        PRODUCER_ONBOARD("producer", "onboard"), PRODUCER_OFFBOARD("producer", "offboard"),
        TEAM_ONBOARD("team", "onboard"), TEAM_OFFBOARD("team", "offboard"),
        PLATFORM_ONBOARD("platform", "onboard");

        final String noun;
        final String verb;

        Action(String noun, String verb) {
            this.noun = noun;
            this.verb = verb;
        }

        boolean producer() {
            return noun.equals("producer");
        }

        boolean onboard() {
            return verb.equals("onboard");
        }

        String command() {
            return "capmarket " + noun + " " + verb;
        }
    }

    /**
     * A parsed command line.
     *
     * @param subject the producer id, the team, or the platform principal's user
     */
    record Invocation(Action action, String subject, List<String> capabilities, Map<String, String> options,
            boolean deleteTopics) {

        Optional<String> option(String name) {
            return Optional.ofNullable(options.get(name));
        }

        /** The platform role onboarded: {@code topology} or {@code gateway}; empty for a producer or a team. */
        Optional<String> role() {
            return action == Action.PLATFORM_ONBOARD ? option("--role") : Optional.empty();
        }

        /** The platform principal's Kafka Streams {@code application.id}: as given, else its role's default. */
        Optional<String> applicationId() {
            return role().map(role -> option("--application-id").orElse(defaultApplicationId(role)));
        }

        /** The ACLs to grant over this catalogue: the default ones, with the platform principal's user and application id. */
        AccessPolicy policy(Topics topics) {
            AccessPolicy.Builder policy = AccessPolicy.builder(topics);
            role().ifPresent(role -> {
                if (role.equals(TOPOLOGY)) {
                    policy.topology(subject, applicationId().orElseThrow());
                } else {
                    policy.gateway(subject, applicationId().orElseThrow());
                }
            });
            return policy.build();
        }

        /** The platform principal onboarded, as the policy names it. */
        Principal platformPrincipal(AccessPolicy policy) {
            return role().orElseThrow().equals(TOPOLOGY) ? policy.topology() : policy.gateway();
        }
    }

    /** A command line that cannot be run; the message names the option and the rule. */
    static final class UsageException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs the command.
     *
     * @param args the noun ({@code producer} or {@code team}), the verb and the options
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            (args.length == 0 ? err : out).print(usage());
            return args.length == 0 ? USAGE : OK;
        }
        Invocation invocation;
        CommandConnection connection;
        try {
            invocation = parse(List.of(args));
            invocation.option("--out").ifPresent(OnboardingCommand::requireWritable);
            connection = CommandConnection.resolve(invocation, env);
        } catch (UsageException e) {
            err.println(prefix(args) + ": " + e.getMessage());
            err.println("  (" + prefix(args) + " --help lists every option)");
            return USAGE;
        }
        String command = invocation.action().command();
        try (Onboarding onboarding = connection.onboarding(invocation)) {
            if (!onboarding.authenticating()) {
                err.println(command + ": the cluster does not authenticate clients (the admin's security.protocol is not SASL_*): "
                        + "no credential and no ACLs; any client of this cluster can act as " + invocation.subject());
            }
            String by = invocation.option("--by").orElse("cli:" + env.getOrDefault("USER", "admin"));
            switch (invocation.action()) {
                case PRODUCER_ONBOARD -> handOver(invocation, onboarding.onboardProducer(invocation.subject(),
                        invocation.capabilities(), by), out);
                case TEAM_ONBOARD -> handOver(invocation, onboarding.onboardTeam(invocation.subject(), by), out);
                case PRODUCER_OFFBOARD -> report(invocation, onboarding.offboardProducer(invocation.subject(), by,
                        invocation.deleteTopics()), out);
                case TEAM_OFFBOARD -> report(invocation, onboarding.offboardTeam(invocation.subject(), by,
                        invocation.deleteTopics()), out);
                case PLATFORM_ONBOARD -> handOver(invocation, onboarding.onboardPlatform(
                        invocation.platformPrincipal(onboarding.policy())), out);
            }
            return OK;
        } catch (IllegalArgumentException e) {
            err.println(command + ": " + e.getMessage());
            return USAGE;
        } catch (IncompatibleSchemaException e) {
            err.println(command + ": " + e.getMessage() + " (the registry holds a schema under that subject that this version's "
                    + "contradicts: running again will not help until the subject's schemas or compatibility are put right; nothing "
                    + "about the principal's access changed)");
            return FAILED;
        } catch (KafkaException | SchemaRegistryException | TopicMismatchException | UncheckedIOException e) {
            err.println(command + ": " + e.getMessage() + " (running again is safe)");
            return FAILED;
        }
    }

    /**
     * Reads the command line: the noun, the verb, the options. Checks everything that needs no
     * connection.
     *
     * @throws UsageException naming the option and the rule
     */
    static Invocation parse(List<String> args) {
        if (args.size() < 2) {
            throw new UsageException("expected a noun and a verb: producer onboard|offboard, team onboard|offboard, or platform onboard");
        }
        Action action = Arrays.stream(Action.values())
                .filter(a -> a.noun.equals(args.get(0)) && a.verb.equals(args.get(1)))
                .findFirst()
                .orElseThrow(() -> new UsageException("unknown command '" + args.get(0) + " " + args.get(1)
                        + "' (expected producer onboard, producer offboard, team onboard, team offboard or platform onboard)"));
        Map<String, String> options = new LinkedHashMap<>();
        boolean deleteTopics = false;
        for (int i = 2; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--delete-topics")) {
                deleteTopics = true;
            } else if (VALUE_OPTIONS.contains(arg)) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new UsageException(arg + " needs a value");
                }
                if (options.put(arg, args.get(++i)) != null) {
                    throw new UsageException(arg + " may be given once");
                }
            } else {
                throw new UsageException("unknown option '" + arg + "'");
            }
        }
        if (options.containsKey("--topics-prefix")) {
            try {
                Topics.builder().prefix(options.get("--topics-prefix"));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--topics-prefix: " + e.getMessage());
            }
        }
        if (action == Action.PLATFORM_ONBOARD) {
            return parsePlatform(options, deleteTopics);
        }
        for (String option : PLATFORM_OPTIONS) {
            refuse(options.containsKey(option), option + " applies only to platform onboard");
        }
        String subjectOption = action.producer() ? "--producer-id" : "--team";
        String otherOption = action.producer() ? "--team" : "--producer-id";
        refuse(options.containsKey(otherOption), otherOption + " does not apply to " + action.noun + "s; use " + subjectOption);
        String subject = options.get(subjectOption);
        if (subject == null) {
            throw new UsageException(subjectOption + " is required");
        }
        try {
            if (action.producer()) {
                ProducerNames.requireProducerId(subject);
            } else {
                ProducerNames.requireTeam(subject);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(subjectOption + ": " + e.getMessage());
        }
        List<String> capabilities = List.of();
        if (action == Action.PRODUCER_ONBOARD) {
            String list = options.get("--capabilities");
            if (list == null) {
                throw new UsageException("--capabilities is required: the kebab-case capabilities " + subject
                        + " may offer, comma-separated (or '*' for any)");
            }
            try {
                capabilities = ProducerNames.requireCapabilities(Arrays.stream(list.split(",")).map(String::trim).toList());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--capabilities: " + e.getMessage());
            }
        } else {
            refuse(options.containsKey("--capabilities"), "--capabilities applies only to producer onboard");
        }
        refuse(!action.onboard() && options.containsKey("--out"), "--out applies only to onboard (it receives the client settings)");
        refuse(!action.onboard() && options.containsKey("--client-bootstrap-servers"), "--client-bootstrap-servers applies only to onboard");
        refuse(action.onboard() && deleteTopics, "--delete-topics applies only to offboard");
        refuse(!action.onboard() && options.containsKey("--partitions"), "--partitions applies only to onboard (it creates topics)");
        if (options.containsKey("--partitions")) {
            String partitions = options.get("--partitions");
            if (!partitions.matches("[1-9][0-9]{0,5}")) {
                throw new UsageException("--partitions must be a whole number from 1, but was '" + partitions + "'");
            }
        }
        return new Invocation(action, subject, capabilities, options, deleteTopics);
    }

    /** {@code platform onboard}: the role, and the principal and application id its ACLs name (their defaults, or as given). */
    private static Invocation parsePlatform(Map<String, String> options, boolean deleteTopics) {
        for (String option : List.of("--producer-id", "--team", "--capabilities")) {
            refuse(options.containsKey(option), option + " does not apply to platform onboard (it onboards the topology's or the "
                    + "gateway's principal; see --role)");
        }
        refuse(deleteTopics, "--delete-topics applies only to producer and team offboard");
        refuse(options.containsKey("--partitions"), "--partitions does not apply to platform onboard (it creates no topic: the "
                + "topology creates the platform's when it starts)");
        refuse(options.containsKey("--by"), "--by does not apply to platform onboard (it records no approval)");
        String role = options.get("--role");
        if (role == null) {
            throw new UsageException("--role is required: topology or gateway");
        }
        if (!role.equals(TOPOLOGY) && !role.equals(GATEWAY)) {
            throw new UsageException("--role must be topology or gateway, but was '" + role + "'");
        }
        String principal = options.getOrDefault("--principal",
                role.equals(TOPOLOGY) ? AccessPolicy.DEFAULT_TOPOLOGY_USER : AccessPolicy.DEFAULT_GATEWAY_USER);
        Invocation invocation = new Invocation(Action.PLATFORM_ONBOARD, principal, List.of(), options, false);
        Topics topics = Topics.builder().prefix(options.getOrDefault("--topics-prefix", Topics.DEFAULT_PREFIX)).build();
        // each option on its own first, so that the message names the one that breaks a rule
        try {
            new Invocation(Action.PLATFORM_ONBOARD, principal, List.of(), Map.of("--role", role), false).policy(topics);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--principal: " + e.getMessage());
        }
        try {
            invocation.policy(topics);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--application-id: " + e.getMessage());
        }
        return invocation;
    }

    private static String defaultApplicationId(String role) {
        return role.equals(TOPOLOGY) ? AccessPolicy.DEFAULT_TOPOLOGY_APPLICATION_ID : AccessPolicy.DEFAULT_GATEWAY_APPLICATION_ID;
    }

    private static void refuse(boolean condition, String message) {
        if (condition) {
            throw new UsageException(message);
        }
    }

    /**
     * Checks, before anything changes, that the client settings can be written where {@code --out}
     * says: they are written after the new credential is set, when a failure would lose its password.
     */
    private static void requireWritable(String out) {
        Path file = Path.of(out).toAbsolutePath();
        if (Files.isDirectory(file)) {
            throw new UsageException("--out: " + file + " is a directory; name the file to write the client settings to");
        }
        // the directories missing are created when the settings are written: the nearest that exists must take them
        Path directory = file.getParent();
        while (directory != null && !Files.exists(directory)) {
            directory = directory.getParent();
        }
        if (directory == null || !Files.isDirectory(directory)) {
            throw new UsageException("--out: " + file + " cannot be written: " + directory + " is not a directory");
        }
        if (!Files.isWritable(directory) || (Files.exists(file) && !Files.isWritable(file))) {
            throw new UsageException("--out: " + file + " cannot be written (check the permissions of " + directory + ")");
        }
    }

    private static void handOver(Invocation invocation, Onboarded onboarded, PrintStream out) {
        List<String> summary = new ArrayList<>();
        if (invocation.role().isPresent()) {
            summary.add("capmarket: platform " + invocation.role().get() + " onboarded as " + onboarded.principal().kafkaPrincipal()
                    + " (application.id " + invocation.applicationId().orElseThrow() + ")");
            summary.add("topics: none created (the topology creates the platform's topics when it starts)");
        } else {
            summary.add("capmarket: " + invocation.action().noun + " " + invocation.subject() + " onboarded"
                    + (onboarded.approval().isPresent() ? " for " + String.join(", ", invocation.capabilities()) : "")
                    + " as " + onboarded.principal().kafkaPrincipal());
            summary.add("topics: " + String.join(", ", onboarded.topics()));
        }
        summary.add(onboarded.credentialIssued()
                ? "ACLs: " + onboarded.acls().size() + "; SCRAM-SHA-512 credential issued (a new password: an earlier one no longer works)"
                : "no credential and no ACLs (the cluster does not authenticate clients)");
        String header = String.join("\n", summary) + "\n" + invocation.subject() + "'s client settings"
                + (onboarded.credentialIssued() ? ", with its password: hand them over privately" : "");
        Optional<String> file = invocation.option("--out");
        if (file.isPresent()) {
            Path written = onboarded.clientSettings().write(Path.of(file.get()), header);
            summary.forEach(line -> out.println("# " + line));
            out.println("# client settings written to " + written + " (readable by its owner only)");
        } else {
            out.print(onboarded.clientSettings().render(header));
        }
    }

    private static void report(Invocation invocation, Offboarded offboarded, PrintStream out) {
        out.println("# capmarket: " + invocation.action().noun + " " + invocation.subject() + " offboarded ("
                + offboarded.principal().kafkaPrincipal() + ")");
        if (offboarded.approvalRevoked()) {
            out.println("# approval revoked");
        }
        out.println("# ACLs deleted: " + offboarded.aclsDeleted() + "; credential " + (offboarded.credentialDeleted()
                ? "deleted" : "none to delete"));
        out.println("# topics " + (invocation.deleteTopics() ? "deleted: " + String.join(", ", offboarded.topicsDeleted())
                : "kept (--delete-topics deletes them)"));
    }

    private static String prefix(String[] args) {
        return args.length >= 2 ? "capmarket " + args[0] + " " + args[1] : "capmarket " + (args.length == 1 ? args[0] : "");
    }

    static String usage() {
        return """
                usage: capmarket producer onboard  --producer-id ID --capabilities a,b [connection] [--out FILE]
                       capmarket producer offboard --producer-id ID [--delete-topics] [connection]
                       capmarket team onboard      --team T [connection] [--out FILE]
                       capmarket team offboard     --team T [--delete-topics] [connection]
                       capmarket platform onboard  --role topology|gateway [--principal NAME] [--application-id ID]
                                                   [connection] [--out FILE]
                  onboard creates the principal's topics, registers the schemas it writes with, issues its SCRAM
                  credential and ACLs (and a producer's approval), then prints its client settings (or writes
                  them to --out, readable by its owner only); offboard revokes the approval, deletes the ACLs and
                  the credential, and keeps the topics unless --delete-topics.
                  platform onboard issues the topology's or the gateway's principal (default capmarket-topology,
                  capmarket-gateway) its credential and ACLs, which follow the Kafka Streams application id it
                  runs with (--application-id, default the principal's default name); it creates no topic. The
                  application reads the settings with its client.properties setting.
                connection:
                  --bootstrap-servers HOSTS         the cluster (or bootstrap.servers in --command-config)
                  --command-config FILE             the admin's client settings: security.protocol, sasl.*, ssl.*,
                                                    schema.registry.url, basic.auth.user.info, and
                                                    capmarket.clients.basic.auth.user.info (the registry user that
                                                    onboarded producers and teams get; one that may only read) and
                                                    capmarket.platform.basic.auth.user.info (the one platform onboard
                                                    hands the topology or the gateway; default the admin's)
                  --schema-registry-url URL         the registry (or schema.registry.url in --command-config)
                  --topics-prefix PREFIX            default capmarket.
                  --partitions N                    partitions of the topics producer and team onboard create
                                                    (default 6; the topology's topics.partitions)
                  --client-bootstrap-servers HOSTS  what principals connect to, when not --bootstrap-servers
                  --by NAME                         who acts, for the audit trail of producers and teams (default
                                                    cli:$USER)
                exit codes: 0 done, 1 Kafka or registry failure (safe to run again), 2 invalid arguments (nothing changed)
                """;
    }
}
