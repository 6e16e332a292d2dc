package io.capmarket.gateway;

import io.capmarket.gateway.internal.Tokens;
import io.capmarket.schemas.runtime.ServiceCommand;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway's command line ({@code capmarket gateway}, and {@link GatewayMain} in the image), as
 * {@link ServiceCommand} describes it: {@code --config FILE} and {@code --set KEY=VALUE} over the
 * {@code CAPMARKET_*} environment; {@code --help} lists every setting; and
 * {@code --hash-token TOKEN}, which prints the hash a tokens file line needs (exit code 0) instead
 * of starting.
 */
@Command(name = "capmarket-gateway", mixinStandardHelpOptions = true,
        description = {"Runs the consumer gateway (HTTP API and portal) against an existing Kafka cluster and schema registry.",
            "A tokens file line: <sha256-hex of the token> <team> <role> [<name> [human|bot]], role one of consumer, producer, approver, admin."},
        footerHeading = "%nSettings, from a file < CAPMARKET_ + the key upper-cased, '.' and '-' as '_' (CAPMARKET_HTTP_PORT) < --set:%n")
public final class GatewayCommand extends ServiceCommand<GatewayConfig, GatewayApp> {

    @Option(names = "--hash-token", paramLabel = "TOKEN", description = "print the SHA-256 of a bearer token, for auth.tokens-file lines")
    String hashToken;

    /** The command for this process: the application closes when the JVM stops. */
    public GatewayCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this(environment, out, err, GatewayApp::start, true);
    }

    GatewayCommand(Map<String, String> environment, PrintStream out, PrintStream err, Function<GatewayConfig, GatewayApp> starter,
            boolean closeOnShutdown) {
        super("capmarket-gateway", GatewayConfig::load, GatewayConfig.describeKeys(), environment, out, err, starter, closeOnShutdown);
    }

    @Override
    public Integer call() {
        if (hashToken != null) {
            out().println(Tokens.hash(hashToken));
            return OK;
        }
        return super.call();
    }
}
