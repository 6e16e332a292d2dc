package io.capmarket.cli;

import io.capmarket.client.CapmarketClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the gateway is, who calls it and how answers are printed: the consumer commands' options. */
final class GatewayOptions {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";
    static final String URL_VARIABLE = "CAPMARKET_URL";
    static final String TOKEN_VARIABLE = "CAPMARKET_TOKEN";

    /** How answers are printed. */
    enum Format { json, table }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", description = "the gateway (default: $" + URL_VARIABLE + ", else " + DEFAULT_URL + ")")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "the bearer token (default: $" + TOKEN_VARIABLE + ")")
    String token;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or table (default: ${DEFAULT-VALUE})")
    Format output = Format.table;

    @Option(names = "--retry-for", paramLabel = "DURATION", converter = RequestCommands.DurationConverter.class,
            description = "how long calls that may succeed later (no answer, 429, 503) are retried (default: 30s)")
    Duration retryFor = CapmarketClient.DEFAULT_RETRY_FOR;

    /** A client of the gateway these options name; a usage error when the URL or token is missing or malformed. */
    CapmarketClient client() {
        CapmarketCli.Terminal terminal = CapmarketCommand.terminal(spec);
        String base = url != null ? url : terminal.environment().getOrDefault(URL_VARIABLE, DEFAULT_URL);
        String bearer = token != null ? token : terminal.environment().get(TOKEN_VARIABLE);
        try {
            URI uri = new URI(base);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ParameterException(spec.commandLine(), "--url must be an http(s) URL with a host, but was '" + base + "'");
            }
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--url must be an http(s) URL, but was '" + base + "': " + e.getReason());
        }
        if (bearer == null || bearer.isBlank()) {
            throw new ParameterException(spec.commandLine(), "a token is needed: set " + TOKEN_VARIABLE + " or give --token");
        }
        return CapmarketClient.builder().baseUrl(base).token(bearer).retryFor(retryFor).build();
    }

    /** The printer for {@link #output}, to the command's standard output. */
    Output printer() {
        return new Output(output, CapmarketCommand.terminal(spec).out());
    }
}
