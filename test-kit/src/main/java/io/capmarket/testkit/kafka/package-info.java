/**
 * Real Kafka for tests and the dev run: {@link io.capmarket.testkit.kafka.KafkaBroker}, chosen by
 * {@code -Dkafka.broker=auto|testcontainers|embedded}; {@link io.capmarket.testkit.kafka.EmbeddedKafkaBroker}
 * runs a KRaft node inside the JVM; {@link io.capmarket.testkit.kafka.KafkaBrokerExtension} shares
 * one broker across a test JVM.
 */
package io.capmarket.testkit.kafka;
