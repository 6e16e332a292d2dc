/**
 * The optional Micrometer binding of the producer SDK's {@link io.capmarket.sdk.ProducerListener}
 * (needs {@code io.micrometer:micrometer-core}, which the SDK declares optional).
 */
package io.capmarket.sdk.micrometer;
