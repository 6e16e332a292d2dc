/**
 * Real Kafka for tests and the dev run: {@link io.capmarket.testkit.kafka.KafkaBroker}, chosen by
 * {@code -Dkafka.broker=auto|testcontainers|embedded}; {@link io.capmarket.testkit.kafka.EmbeddedKafkaBroker}
 * runs a KRaft node inside the JVM, plain or {@linkplain io.capmarket.testkit.kafka.EmbeddedKafkaBroker.Builder#secure() secure}
 * (SASL/SCRAM-SHA-512 and ACLs); {@link io.capmarket.testkit.kafka.KafkaBrokerExtension} shares
 * one plain broker across a test JVM, {@link io.capmarket.testkit.kafka.SecureKafkaBrokerExtension}
 * one secure broker.
 */
package io.capmarket.testkit.kafka;
