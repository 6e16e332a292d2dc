#!/usr/bin/env bash
# Formats Kafka's log directory before the broker's first start, with the SCRAM credentials that
# must exist before any client connects: the admin's (the only super user, who then creates every
# other credential and ACL) and the schema registry's. The apache/kafka image formats by itself
# when it starts, but cannot add credentials; it leaves a formatted directory as it is. Run by the
# one-shot service `kafka-format` with the broker's image, variables, volume and cluster id.
#
# usage: format-storage.sh [KAFKA_HOME [KAFKA_SECRETS [REGISTRY_SECRETS]]]
#   (defaults: the images' paths, /opt/kafka, /etc/kafka/secrets and /etc/schema-registry/secrets)
set -euo pipefail
kafka_home=${1:-/opt/kafka}
kafka_secrets=${2:-/etc/kafka/secrets}
registry_secrets=${3:-/etc/schema-registry/secrets}

if [[ -f $KAFKA_LOG_DIRS/meta.properties ]]; then
  echo "kafka-format: $KAFKA_LOG_DIRS is formatted already"
  exit 0
fi

# server.properties from the same KAFKA_* variables, by the image's own rules (KafkaDockerWrapper):
# KAFKA_ dropped, lower case, '_' -> '.', then '...' -> '-' and '..' -> '_'; its launcher's own
# variables left out. The values hold no secret: the JAAS settings are ${file:...} references.
launcher=" KAFKA_VERSION KAFKA_HEAP_OPTS KAFKA_LOG4J_OPTS KAFKA_OPTS KAFKA_JMX_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_GC_LOG_OPTS \
KAFKA_LOG4J_ROOT_LOGLEVEL KAFKA_LOG4J_LOGGERS KAFKA_TOOLS_LOG4J_LOGLEVEL KAFKA_JMX_HOSTNAME "
config=$(mktemp)
for name in $(compgen -e | grep '^KAFKA_'); do
  [[ $launcher == *" $name "* ]] && continue
  key=${name#KAFKA_}
  key=${key,,}
  key=${key//_/.}
  key=${key//.../-}
  key=${key//../_}
  printf '%s=%s\n' "$key" "${!name}"
done > "$config"

password() { sed -n "s/^$1=//p" "$2"; }
admin=$(password admin.password "$kafka_secrets/broker.properties")
registry=$(password password "$registry_secrets/kafkastore.properties")
if [[ -z $admin || -z $registry ]]; then
  echo "kafka-format: the admin's or the schema registry's password is missing from the secrets volumes" >&2
  exit 1
fi
# (the tool prints the metadata it writes, the credentials' salted keys among them: not for the log)
"$kafka_home/bin/kafka-storage.sh" format --config "$config" --cluster-id "$CLUSTER_ID" \
  --add-scram "SCRAM-SHA-512=[name=admin,password=$admin]" \
  --add-scram "SCRAM-SHA-512=[name=schema-registry,password=$registry]" | sed '/^Bootstrap metadata:/d'
echo "kafka-format: formatted $KAFKA_LOG_DIRS as cluster $CLUSTER_ID, with the SCRAM credentials of admin and schema-registry"
