/**
 * Kafka serializers, deserializers and a Streams serde for Avro records in Confluent's wire
 * format, configured with Confluent's property names. Entry point:
 * {@link io.capmarket.schemas.serde.AvroSerde}.
 */
package io.capmarket.schemas.serde;
