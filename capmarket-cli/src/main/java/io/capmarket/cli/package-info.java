/**
 * The {@code capmarket} command line on picocli: one top-level command whose subcommands run the
 * dev marketplace, the applications, onboarding, offer sync and the benchmarks (each delegating
 * to the module that does the work), and the consumer's {@code request} (with {@code request why},
 * the matching decisions) and {@code catalog} commands and the approver's {@code approvals}
 * (decided by {@code request approve|reject}) over {@link io.capmarket.client.CapmarketClient}.
 *
 * <p>Exit codes: 0 done, 1 the gateway, Kafka or the registry refused or failed, 2 invalid arguments.
 */
package io.capmarket.cli;
