/**
 * The producer SDK's machinery behind {@link io.capmarket.sdk.CapmarketProducer}: publishing with
 * retries, heartbeats, the assignment consumer loop, offset tracking, capacity slots, offer
 * checks and the offer-file reader. Not an API: it changes without notice. The handler test kit
 * of the same version runs handlers through {@link io.capmarket.sdk.internal.HandlerRun}.
 */
package io.capmarket.sdk.internal;
