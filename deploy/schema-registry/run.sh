#!/usr/bin/env bash
# The schema registry logs in to Kafka as its own principal, User:schema-registry. Its image takes
# its Kafka client settings only from SCHEMA_REGISTRY_KAFKASTORE_* variables, so the JAAS line is
# read here from its secrets volume rather than written in docker-compose.yml; then the image's
# own start script runs.
set -euo pipefail
jaas=$(sed -n 's/^sasl\.jaas\.config=//p' /etc/schema-registry/secrets/kafkastore.properties)
if [[ -z $jaas ]]; then
  echo "schema-registry: no sasl.jaas.config in /etc/schema-registry/secrets/kafkastore.properties" >&2
  exit 1
fi
export SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG=$jaas
exec /etc/confluent/docker/run
