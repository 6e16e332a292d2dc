package io.capmarket.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.client.CapmarketClient;
import io.capmarket.client.Request;
import io.capmarket.client.RequestQuery;
import io.capmarket.client.RequestState;
import io.capmarket.client.Submission;
import io.capmarket.schemas.config.ConfigParsers;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capmarket request submit|get|watch|why|update|approve|reject|cancel|list}: a consumer's requests, why matching
 * sent them where it did, and an approver's decisions, through the gateway.
 */
@Command(name = "request", mixinStandardHelpOptions = true,
        description = "Submit, read, follow, explain, update, approve, reject, cancel and list requests.",
        subcommands = {RequestCommands.Submit.class, RequestCommands.Get.class, RequestCommands.Watch.class,
            RequestCommands.Why.class, RequestCommands.Update.class, RequestCommands.Approve.class, RequestCommands.Reject.class,
            RequestCommands.Cancel.class, RequestCommands.ListRequests.class})
final class RequestCommands {

    /** Reads a whole value or fails: {@code 10 GB} is text, not the number 10 followed by more. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Reads {@code 30s}, {@code 5m}, {@code PT1H}: the configuration's one duration format. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return ConfigParsers.duration(text);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + text + "' is not a duration like 30s, 5m or PT1H, greater than 0");
            }
        }
    }

    /** {@code capmarket request submit}. */
    @Command(name = "submit", description = "Submits a request; prints it (and waits with --wait).")
    static final class Submit implements Callable<Integer> {
        @Mixin
        GatewayOptions gateway;

        // no standard -V/--version here: --version is the capability's
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Parameters(index = "0", paramLabel = "CAPABILITY", description = "the capability, e.g. postgres-database")
        String capability;

        @Option(names = "--version", paramLabel = "N", description = "its major version (default: ${DEFAULT-VALUE})")
        int version = 1;

        @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "a parameter; VALUE is read as JSON when it is JSON (20, true, \"x\"), else as text")
        Map<String, String> parameters = new LinkedHashMap<>();

        @Option(names = {"-c", "--constraint"}, paramLabel = "ATTRIBUTE=A,B", description = "allowed values of an offer attribute")
        Map<String, String> constraints = new LinkedHashMap<>();

        @Option(names = "--priority", paramLabel = "PRIORITY", description = "LOW, NORMAL or HIGH")
        String priority;

        @Option(names = "--idempotency-key", paramLabel = "KEY", description = "the same key submits once (default: a new key)")
        String idempotencyKey;

        @Option(names = "--wait", paramLabel = "STATE", description = "wait until the request is in STATE (or finished), e.g. FULFILLED")
        RequestState waitFor;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "how long --wait waits (default: 10m)")
        Duration timeout = Duration.ofMinutes(10);

        @Override
        public Integer call() {
            Submission submission = Submission.of(capability, version);
            for (Map.Entry<String, String> parameter : parameters.entrySet()) {
                submission = submission.withParameter(parameter.getKey(), value(parameter.getValue()));
            }
            for (Map.Entry<String, String> constraint : constraints.entrySet()) {
                submission = submission.withConstraint(constraint.getKey(), constraint.getValue().split(","));
            }
            if (priority != null) {
                submission = submission.withPriority(priority);
            }
            if (idempotencyKey != null) {
                submission = submission.withIdempotencyKey(idempotencyKey);
            }
            CapmarketClient client = gateway.client();
            Request request = client.submit(submission);
            if (waitFor != null) {
                request = client.await(request.id(), waitFor, timeout);
            }
            gateway.printer().request(request);
            // reached: in the state now, or passed through it (a wait for MATCHED may return it ACCEPTED already)
            return waitFor == null || request.is(waitFor) || request.history().contains(waitFor.name()) ? CapmarketCli.OK
                    : CapmarketCli.FAILED;
        }

    }

    /** A parameter's value as given on the command line: JSON when it is JSON ({@code 20}, {@code true}, {@code "x"}), else text. */
    static Object value(String text) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (IOException e) {
            return text;
        }
    }

    /** {@code capmarket request get}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints a request as it is now.")
    static final class Get implements Callable<Integer> {
        @Mixin
        GatewayOptions gateway;

        @Parameters(index = "0", paramLabel = "ID", description = "the request id")
        String id;

        @Override
        public Integer call() {
            gateway.printer().request(gateway.client().get(id));
            return CapmarketCli.OK;
        }
    }

    /** {@code capmarket request watch}. */
    @Command(name = "watch", mixinStandardHelpOptions = true, description = {
        "Prints a request's transitions as they happen, until it is in --until's state (exit 0) or finished in another (exit 1)."})
    static final class Watch implements Callable<Integer> {
        @Mixin
        GatewayOptions gateway;

        @Parameters(index = "0", paramLabel = "ID", description = "the request id")
        String id;

        @Option(names = "--until", paramLabel = "STATE", description = "the state to wait for (default: ${DEFAULT-VALUE})")
        RequestState until = RequestState.FULFILLED;

        @Override
        public Integer call() {
            Output output = gateway.printer();
            Request[] last = new Request[1];
            try {
                gateway.client().events(id, event -> {
                    output.event(event);
                    last[0] = event.request();
                    if (event.state().equals(until.name())) {
                        throw new Reached();
                    }
                });
            } catch (Reached reached) {
                return CapmarketCli.OK;
            }
            CapmarketCommand.terminal(gateway.spec).err().println("capmarket watch: request " + id + " finished "
                    + (last[0] == null ? "" : last[0].state() + (last[0].reason() == null ? "" : " (" + last[0].reason() + ")"))
                    + " without reaching " + until);
            return CapmarketCli.FAILED;
        }

        /** Ends the event stream once the state watched for arrives. */
        private static final class Reached extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Reached() {
                super(null, null, false, false);
            }
        }
    }

    /** {@code capmarket request why}. */
    @Command(name = "why", mixinStandardHelpOptions = true, description = {
        "Prints why matching sent a request to its offer, or why it waits: the latest decision, every offer it considered "
            + "with its score per factor (the highest TOTAL wins) or the rule that ruled it out, the weights, and the earlier "
            + "decisions. -o json prints the gateway's answer."})
    static final class Why implements Callable<Integer> {
        @Mixin
        GatewayOptions gateway;

        @Parameters(index = "0", paramLabel = "ID", description = "the request id")
        String id;

        @Override
        public Integer call() {
            gateway.printer().decisions(gateway.client().decisions(id));
            return CapmarketCli.OK;
        }
    }

    /** {@code capmarket request update}. */
    @Command(name = "update", mixinStandardHelpOptions = true, description = {
        "Updates a fulfilled request's resource to new parameters (those its offer declares updatable); prints the request "
            + "as it was. Follow the update with 'capmarket request watch ID'."})
    static final class Update implements Callable<Integer> {
        @Mixin
        GatewayOptions gateway;

        @Parameters(index = "0", paramLabel = "ID", description = "the request id")
        String id;

        @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "a parameter's new value; VALUE is read as JSON when it is JSON (20, true, \"x\"), else as text")
        Map<String, String> parameters = new LinkedHashMap<>();

        @Option(names = "--unset", paramLabel = "NAME", description = "a parameter to remove")
        java.util.List<String> unset = new java.util.ArrayList<>();

        @Override
        public Integer call() {
            Map<String, Object> patch = new LinkedHashMap<>();
            parameters.forEach((name, text) -> patch.put(name, value(text)));
            unset.forEach(name -> patch.put(name, null));
            gateway.printer().request(gateway.client().update(id, patch));
            return CapmarketCli.OK;
        }
    }

    /** {@code capmarket request approve}. */
    @Command(name = "approve", mixinStandardHelpOptions = true, description = {
        "Approves a request waiting for your approval (PENDING_APPROVAL; see 'capmarket approvals'); prints the request as it was. "
            + "It is matched once every approval it waits for is given: follow it with 'capmarket request watch ID'."})
    static final class Approve implements Callable<Integer> {
        @Mixin
        GatewayOptions gateway;

        @Parameters(index = "0", paramLabel = "ID", description = "the request id")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT", description = "why, kept with the decision")
        String reason;

        @Override
        public Integer call() {
            gateway.printer().request(gateway.client().approve(id, reason));
            return CapmarketCli.OK;
        }
    }

    /** {@code capmarket request reject}. */
    @Command(name = "reject", mixinStandardHelpOptions = true, description = {
        "Rejects a request waiting for your approval (PENDING_APPROVAL; see 'capmarket approvals'): it ends FAILED, its reason "
            + "naming you and --reason. Prints the request as it was."})
    static final class Reject implements Callable<Integer> {
        @Mixin
        GatewayOptions gateway;

        @Parameters(index = "0", paramLabel = "ID", description = "the request id")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why, for the requester (required)")
        String reason;

        @Override
        public Integer call() {
            gateway.printer().request(gateway.client().reject(id, reason));
            return CapmarketCli.OK;
        }
    }

    /** {@code capmarket request cancel}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels an unfinished request, or deprovisions a fulfilled one.")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        GatewayOptions gateway;

        @Parameters(index = "0", paramLabel = "ID", description = "the request id")
        String id;

        @Override
        public Integer call() {
            gateway.printer().request(gateway.client().cancel(id));
            return CapmarketCli.OK;
        }
    }

    /** {@code capmarket request list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists your team's requests (an admin's: every team's), newest first.")
    static final class ListRequests implements Callable<Integer> {
        @Mixin
        GatewayOptions gateway;

        @Option(names = "--state", paramLabel = "STATE", description = "only requests in this state")
        RequestState state;

        @Option(names = "--capability", paramLabel = "NAME", description = "only requests for this capability")
        String capability;

        @Option(names = "--team", paramLabel = "TEAM", description = "only this team's requests (admins)")
        String team;

        @Mixin
        PageOptions page;

        @Override
        public Integer call() {
            RequestQuery query = RequestQuery.all().withLimit(page.limit);
            query = state == null ? query : query.withState(state);
            query = capability == null ? query : query.withCapability(capability);
            query = team == null ? query : query.withTeam(team);
            query = page.cursor == null ? query : query.withCursor(page.cursor);
            gateway.printer().page(gateway.client().requests(query));
            return CapmarketCli.OK;
        }
    }
}
