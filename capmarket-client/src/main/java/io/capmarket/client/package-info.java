/**
 * A Java client of the capmarket consumer gateway for bots and scripts:
 * {@link io.capmarket.client.CapmarketClient}, built once and shared. Requests are
 * {@link io.capmarket.client.Submission}s in and {@link io.capmarket.client.Request}s out, in
 * typed {@link io.capmarket.client.RequestState}s, with the {@link io.capmarket.client.Request.Approval}s
 * they wait for and the {@link io.capmarket.client.RequestDecisions} that say why they were matched
 * where they were; lists come as {@link io.capmarket.client.Page}s;
 * retries follow a {@link io.capmarket.client.RetryPolicy}; time is an injected
 * {@link java.time.Clock} and {@link io.capmarket.client.Sleeper}. Depends on
 * {@code java.net.http} and Jackson only.
 */
package io.capmarket.client;
