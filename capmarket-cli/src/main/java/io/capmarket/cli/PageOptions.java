package io.capmarket.cli;

import io.capmarket.client.RequestQuery;
import picocli.CommandLine.Option;

/** The paging options every listing command takes: how many, and from where. */
final class PageOptions {

    @Option(names = "--limit", paramLabel = "N", description = "at most N requests (default: ${DEFAULT-VALUE}, at most 500)")
    int limit = RequestQuery.DEFAULT_LIMIT;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "the next page, as a previous list printed")
    String cursor;
}
