/**
 * The producer SDK: the library a producer team embeds to publish capability offers, send
 * heartbeats and fulfil the assignments the marketplace routes to it.
 *
 * <p>Start at {@link io.capmarket.sdk.CapmarketProducer} (one per process, shared). Offers are
 * {@link io.capmarket.sdk.Offer} values, an {@link io.capmarket.sdk.Approval} among them for requests
 * that wait for an approver before they are matched; work arrives at an {@link io.capmarket.sdk.AssignmentHandler}
 * (or {@link io.capmarket.sdk.AsyncAssignmentHandler}) with a {@link io.capmarket.sdk.FulfilmentContext}
 * to report through; {@link io.capmarket.sdk.ProducerListener} observes. Every exception is a
 * {@link io.capmarket.sdk.CapmarketException}. Declarative offers from YAML are in
 * {@link io.capmarket.sdk.sync}; the Micrometer binding in {@link io.capmarket.sdk.micrometer}.
 */
package io.capmarket.sdk;
