package io.capmarket.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code capmarket catalog}: every capability on offer, with its versions and offers. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "Lists the capabilities on offer.")
final class CatalogCommand implements Callable<Integer> {

    @Mixin
    GatewayOptions gateway;

    @Override
    public Integer call() {
        gateway.printer().catalog(gateway.client().catalog());
        return CapmarketCli.OK;
    }
}
