package io.capmarket.sdk.sync;

import io.capmarket.sdk.CapmarketException;
import io.capmarket.sdk.CapmarketProducer;
import io.capmarket.sdk.InvalidConfigurationException;
import io.capmarket.sdk.InvalidOfferException;
import io.capmarket.sdk.Offer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code capmarket sync}: makes a producer's live offers exactly what its offer files declare,
 * like {@code terraform apply}. It reads and validates every file first (any problem: the
 * {@code file:line} errors are printed and nothing is published), reads the offers topic to its
 * end, prints the plan, and — unless {@code --dry-run} — publishes the creations and updates and
 * withdraws (tombstones) the producer's offers no longer declared.
 *
 * <pre>
 * capmarket sync --dir offers/ [--dry-run]
 *     --producer-id ID             or CAPMARKET_PRODUCER_ID
 *     --bootstrap-servers HOSTS    or CAPMARKET_BOOTSTRAP_SERVERS
 *     --schema-registry-url URL    or CAPMARKET_SCHEMA_REGISTRY_URL
 *     --topics-prefix PREFIX       or CAPMARKET_TOPICS_PREFIX (default capmarket.)
 *     --sasl-mechanism M           or CAPMARKET_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
 *     --sasl-username U            or CAPMARKET_SASL_USERNAME; the password only from CAPMARKET_SASL_PASSWORD
 *     --schema-registry-user U     or CAPMARKET_SCHEMA_REGISTRY_USER; the password only from CAPMARKET_SCHEMA_REGISTRY_PASSWORD
 *     --kafka KEY=VALUE            any Kafka client setting, repeatable
 * </pre>
 *
 * Exit codes: 0 done (or nothing to do), 1 Kafka or the registry failed (run again), 2 bad
 * arguments or invalid offer files (nothing was published).
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
        boolean dryRun = false;
        String dir = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--dry-run")) {
                dryRun = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                out.print(usage());
                return OK;
            } else if (arg.equals("--dir") || arg.equals("--kafka") || FLAGS.containsKey(arg)) {
                if (i + 1 >= args.length) {
                    err.println("capmarket sync: " + arg + " needs a value");
                    return INVALID;
                }
                String value = args[++i];
                if (arg.equals("--dir")) {
                    dir = value;
                } else if (arg.equals("--kafka")) {
                    kafka.add(value);
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
        CapmarketProducer.Builder builder;
        try {
            builder = builder(options, kafka, env);
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
                    + ", topic " + client.topics().offers().name());
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
            return e instanceof InvalidConfigurationException ? INVALID : FAILED;
        }
    }

    private static CapmarketProducer.Builder builder(Map<String, String> options, List<String> kafka, Map<String, String> env) {
        for (String flag : List.of("--producer-id", "--bootstrap-servers", "--schema-registry-url")) {
            if (!options.containsKey(flag)) {
                throw new InvalidConfigurationException(flag + " is required (or " + FLAGS.get(flag) + "), but was not set");
            }
        }
        CapmarketProducer.Builder builder = CapmarketProducer.builder()
                .producerId(options.get("--producer-id"))
                .bootstrapServers(options.get("--bootstrap-servers"))
                .schemaRegistryUrl(options.get("--schema-registry-url"));
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
        return builder;
    }

    private static String usage() {
        return """
                usage: capmarket sync --dir DIR [--dry-run] [options]
                  --dir DIR                    offer files (*.yaml, *.yml), read recursively
                  --dry-run                    print the plan, publish nothing
                  --producer-id ID             or CAPMARKET_PRODUCER_ID
                  --bootstrap-servers HOSTS    or CAPMARKET_BOOTSTRAP_SERVERS
                  --schema-registry-url URL    or CAPMARKET_SCHEMA_REGISTRY_URL
                  --topics-prefix PREFIX       or CAPMARKET_TOPICS_PREFIX (default capmarket.)
                  --sasl-mechanism M           or CAPMARKET_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
                  --sasl-username U            or CAPMARKET_SASL_USERNAME; password from CAPMARKET_SASL_PASSWORD
                  --schema-registry-user U     or CAPMARKET_SCHEMA_REGISTRY_USER; password from CAPMARKET_SCHEMA_REGISTRY_PASSWORD
                  --kafka KEY=VALUE            any Kafka client setting, repeatable
                exit codes: 0 done, 1 Kafka or registry failure (safe to run again), 2 invalid arguments or offer files
                """;
    }
}
