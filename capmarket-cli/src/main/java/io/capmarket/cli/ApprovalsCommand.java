package io.capmarket.cli;

import io.capmarket.client.RequestQuery;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code capmarket approvals}: the caller's approval inbox, one page of it. */
@Command(name = "approvals", mixinStandardHelpOptions = true, description = {
    "Lists the requests waiting for your approval (PENDING_APPROVAL, with an approval your role or team may give), oldest "
        + "first. Decide each with 'capmarket request approve ID' or 'capmarket request reject ID --reason TEXT'."})
final class ApprovalsCommand implements Callable<Integer> {

    @Mixin
    GatewayOptions gateway;

    @Option(names = "--limit", paramLabel = "N", description = "at most N requests (default: ${DEFAULT-VALUE}, at most 500)")
    int limit = RequestQuery.DEFAULT_LIMIT;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "the next page, as a previous list printed")
    String cursor;

    @Override
    public Integer call() {
        gateway.printer().approvals(gateway.client().approvals(limit, cursor));
        return CapmarketCli.OK;
    }
}
