package io.capmarket.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code capmarket approvals}: the caller's approval inbox, one page of it. */
@Command(name = "approvals", mixinStandardHelpOptions = true, description = {
    "Lists the requests waiting for your approval (PENDING_APPROVAL, with an approval your role or team may give), oldest "
        + "first. Decide each with 'capmarket request approve ID' or 'capmarket request reject ID --reason TEXT'."})
final class ApprovalsCommand implements Callable<Integer> {

    @Mixin
    GatewayOptions gateway;

    @Mixin
    PageOptions page;

    @Override
    public Integer call() {
        gateway.printer().approvals(gateway.client().approvals(page.limit, page.cursor));
        return CapmarketCli.OK;
    }
}
