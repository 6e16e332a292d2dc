/**
 * An embedded schema registry speaking Confluent Schema Registry's REST API for AVRO schemas
 * ({@link io.capmarket.testkit.registry.EmbeddedSchemaRegistry}), stored in memory or in a
 * compacted Kafka topic, and {@link io.capmarket.testkit.registry.SchemaRegistryExtension} for tests.
 * Everything else in this package is package-private: the HTTP plumbing, the routing table, the
 * compatibility rules and the storage.
 */
package io.capmarket.testkit.registry;
