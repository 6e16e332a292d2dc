/**
 * A client for Confluent Schema Registry's REST API, configured with Confluent's property names.
 * Entry point: {@link io.capmarket.schemas.registry.SchemaRegistryClient}.
 */
package io.capmarket.schemas.registry;
