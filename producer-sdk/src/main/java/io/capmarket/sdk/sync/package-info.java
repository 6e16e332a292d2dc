/**
 * Declarative offers (GitOps): {@link io.capmarket.sdk.sync.OfferFiles} reads offers from YAML
 * files, {@link io.capmarket.sdk.sync.SyncPlan} is the pure diff against what is live, and
 * {@link io.capmarket.sdk.sync.SyncCommand} is the {@code capmarket sync} command line.
 */
package io.capmarket.sdk.sync;
