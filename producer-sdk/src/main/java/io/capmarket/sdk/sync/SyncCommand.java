package io.capmarket.sdk.sync;

import io.capmarket.sdk.CapmarketException;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.CapmarketProducerBuilder;
import io.capmarket.sdk.InvalidConfigurationException;
import io.capmarket.sdk.InvalidOfferException;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.ProducerNotOnboardedException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code capmarket sync}: makes a producer's live offers exactly what its offer files declare,
 * like {@code terraform apply}. It reads and validates every file first (any problem: the
 * {@code file:line} errors are printed and nothing is published), reads the producer's own
 * offers topic ({@code <prefix>producer.<producerId>.offers}) to its end, prints the plan, and —
 * unless {@code --dry-run} — publishes the creations and updates and withdraws (tombstones) the
 * producer's offers no longer declared.
 *
 * <pre>
 * capmarket sync --dir offers/ [--dry-run]
 *     --producer-id ID             or CAPMARKET_PRODUCER_ID
 *     --client-properties FILE     or CAPMARKET_CLIENT_PROPERTIES: client settings as onboarding writes them
 *                                  (bootstrap.servers, security, schema.registry.url, basic.auth.*); flags win
 *     --bootstrap-servers HOSTS    or CAPMARKET_BOOTSTRAP_SERVERS
 *     --schema-registry-url URL    or CAPMARKET_SCHEMA_REGISTRY_URL
 *     --topics-prefix PREFIX       or CAPMARKET_TOPICS_PREFIX (default capmarket.)
 *     --sasl-mechanism M           or CAPMARKET_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
 *     --sasl-username U            or CAPMARKET_SASL_USERNAME; the password only from CAPMARKET_SASL_PASSWORD
 *     --schema-registry-user U     or CAPMARKET_SCHEMA_REGISTRY_USER; the password only from CAPMARKET_SCHEMA_REGISTRY_PASSWORD
 *     --kafka KEY=VALUE            any Kafka client setting, repeatable
 *     --serde KEY=VALUE            a registry or serde setting (auto.register.schemas=false), repeatable
 * </pre>
 *
 * Exit codes: 0 done (or nothing to do), 1 Kafka or the registry failed (run again), 2 bad
 * arguments, invalid offer files, or a producer not onboarded (nothing was published).
 */
public final class SyncCommand {

    /** Success. */
    public static final int OK = 0;
    /** Kafka or the registry failed; running again is safe. */
    public static final int FAILED = 1;
    /** Bad arguments or offer files; nothing was published. */
    public static final int INVALID = 2;

    private static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("--producer-id", "CAPMARKET_PRODUCER_ID");
        FLAGS.put("--client-properties", "CAPMARKET_CLIENT_PROPERTIES");
        FLAGS.put("--bootstrap-servers", "CAPMARKET_BOOTSTRAP_SERVERS");
        FLAGS.put("--schema-registry-url", "CAPMARKET_SCHEMA_REGISTRY_URL");
        FLAGS.put("--topics-prefix", "CAPMARKET_TOPICS_PREFIX");
        FLAGS.put("--sasl-mechanism", "CAPMARKET_SASL_MECHANISM");
        FLAGS.put("--sasl-username", "CAPMARKET_SASL_USERNAME");
        FLAGS.put("--schema-registry-user", "CAPMARKET_SCHEMA_REGISTRY_USER");
    }

    private SyncCommand() {
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs the command.
     *
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> kafka = new ArrayList<>();
        List<String> serde = new ArrayList<>();
        boolean dryRun = false;
        String dir = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--dry-run")) {
                dryRun = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                out.print(usage());
                return OK;
            } else if (arg.equals("--dir") || arg.equals("--kafka") || arg.equals("--serde") || FLAGS.containsKey(arg)) {
                if (i + 1 >= args.length) {
                    err.println("capmarket sync: " + arg + " needs a value");
                    return INVALID;
                }
                String value = args[++i];
                if (arg.equals("--dir")) {
                    dir = value;
                } else if (arg.equals("--kafka")) {
                    kafka.add(value);
                } else if (arg.equals("--serde")) {
                    serde.add(value);
                } else {
                    options.put(arg, value);
                }
            } else {
                err.println("capmarket sync: unknown argument '" + arg + "'");
                err.print(usage());
                return INVALID;
            }
        }
        if (dir == null) {
            err.println("capmarket sync: --dir is required (the directory of offer files)");
            return INVALID;
        }
        FLAGS.forEach((flag, variable) -> {
            if (!options.containsKey(flag) && env.get(variable) != null && !env.get(variable).isBlank()) {
                options.put(flag, env.get(variable));
            }
        });
        List<Offer> offers;
        try {
            offers = OfferFiles.read(Path.of(dir));
        } catch (InvalidOfferException e) {
            err.println("capmarket sync: the offer files are invalid; nothing was published:");
            e.problems().forEach(p -> err.println("  " + p));
            return INVALID;
        } catch (InvalidConfigurationException e) {
            err.println("capmarket sync: " + e.getMessage());
            return INVALID;
        }
        CapmarketProducerBuilder builder;
        try {
            builder = builder(options, kafka, serde, env);
        } catch (InvalidConfigurationException e) {
            err.println("capmarket sync: " + e.getMessage());
            return INVALID;
        }
        try (CapmarketProducer client = builder.build()) {
            SyncPlan plan;
            try {
                plan = client.planSync(offers);
            } catch (InvalidOfferException e) {
                err.println("capmarket sync: the offers conflict with what is live; nothing was published:");
                e.problems().forEach(p -> err.println("  " + p));
                return INVALID;
            }
            out.println("capmarket sync: producer " + client.producerId() + ", " + offers.size() + " offers declared in " + dir
                    + ", topic " + client.topics().offers(client.producerId()).name());
            out.println();
            out.print(plan.render());
            if (dryRun || plan.isEmpty()) {
                if (dryRun && !plan.isEmpty()) {
                    out.println("Dry run: nothing was published.");
                }
                return OK;
            }
            client.applySync(plan);
            out.println("Applied: " + plan.changes().size() + " changes published.");
            return OK;
        } catch (CapmarketException e) {
            err.println("capmarket sync: " + e.getMessage() + (e.retryable() ? " (safe to run again)" : ""));
            return e instanceof InvalidConfigurationException || e instanceof ProducerNotOnboardedException ? INVALID : FAILED;
        }
    }

    private static CapmarketProducerBuilder builder(Map<String, String> options, List<String> kafka, List<String> serde,
            Map<String, String> env) {
        Properties file = new Properties();
        if (options.containsKey("--client-properties")) {
            Path path = Path.of(options.get("--client-properties"));
            try (Reader in = Files.newBufferedReader(path)) {
                file.load(in);
            } catch (IOException e) {
                throw new InvalidConfigurationException("--client-properties must name a readable properties file, but "
                        + path + " could not be read: " + e.getMessage(), e);
            }
        }
        Map<String, String> fromFile = Map.of("--bootstrap-servers", "bootstrap.servers",
                "--schema-registry-url", "schema.registry.url");
        for (String flag : List.of("--producer-id", "--bootstrap-servers", "--schema-registry-url")) {
            if (!options.containsKey(flag) && !file.containsKey(fromFile.getOrDefault(flag, flag))) {
                throw new InvalidConfigurationException(flag + " is required (or " + FLAGS.get(flag) + "), but was not set");
            }
        }
        CapmarketProducerBuilder builder = CapmarketProducer.builder()
                .producerId(options.get("--producer-id"))
                .properties(file);
        if (options.containsKey("--bootstrap-servers")) {
            builder.bootstrapServers(options.get("--bootstrap-servers"));
        }
        if (options.containsKey("--schema-registry-url")) {
            builder.schemaRegistryUrl(options.get("--schema-registry-url"));
        }
        if (options.containsKey("--topics-prefix")) {
            builder.topicPrefix(options.get("--topics-prefix"));
        }
        if (options.containsKey("--sasl-mechanism") || options.containsKey("--sasl-username")) {
            builder.sasl(options.getOrDefault("--sasl-mechanism", "SCRAM-SHA-512"), options.get("--sasl-username"),
                    env.get("CAPMARKET_SASL_PASSWORD"));
        }
        if (options.containsKey("--schema-registry-user")) {
            builder.schemaRegistryBasicAuth(options.get("--schema-registry-user"), env.get("CAPMARKET_SCHEMA_REGISTRY_PASSWORD"));
        }
        for (String setting : kafka) {
            int eq = setting.indexOf('=');
            if (eq < 1) {
                throw new InvalidConfigurationException("--kafka must be KEY=VALUE, but was '" + setting + "'");
            }
            builder.kafkaProperty(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
        }
        for (String setting : serde) {
            int eq = setting.indexOf('=');
            if (eq < 1) {
                throw new InvalidConfigurationException("--serde must be KEY=VALUE, but was '" + setting + "'");
            }
            builder.serdeProperty(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
        }
        return builder;
    }

    private static String usage() {
        return """
                usage: capmarket sync --dir DIR [--dry-run] [options]
                  --dir DIR                    offer files (*.yaml, *.yml), read recursively
                  --dry-run                    print the plan, publish nothing
                  --producer-id ID             or CAPMARKET_PRODUCER_ID
                  --client-properties FILE     or CAPMARKET_CLIENT_PROPERTIES: client settings as onboarding writes them; flags win
                  --bootstrap-servers HOSTS    or CAPMARKET_BOOTSTRAP_SERVERS
                  --schema-registry-url URL    or CAPMARKET_SCHEMA_REGISTRY_URL
                  --topics-prefix PREFIX       or CAPMARKET_TOPICS_PREFIX (default capmarket.)
                  --sasl-mechanism M           or CAPMARKET_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
                  --sasl-username U            or CAPMARKET_SASL_USERNAME; password from CAPMARKET_SASL_PASSWORD
                  --schema-registry-user U     or CAPMARKET_SCHEMA_REGISTRY_USER; password from CAPMARKET_SCHEMA_REGISTRY_PASSWORD
                  --kafka KEY=VALUE            any Kafka client setting, repeatable
                  --serde KEY=VALUE            a schema registry or serde setting (auto.register.schemas=false), repeatable
                exit codes: 0 done, 1 Kafka or registry failure (safe to run again), 2 invalid arguments or offer files,
                            or a producer not onboarded (its topics do not exist)
                """;
    }
}
