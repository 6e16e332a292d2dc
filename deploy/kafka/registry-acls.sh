#!/usr/bin/env bash
# The schema registry's own ACLs, created as the admin before the registry starts: it keeps its
# schemas in the compacted topic _schemas (which it creates on its first start and checks the
# configs of) and elects its leader in the consumer group schema-registry; its reader's group is
# named schema-registry-<host>-<port>, hence the prefix. Adding ACLs that exist changes nothing.
# Run by the one-shot service `registry-access`. These ACLs are not in capmarket's AccessPolicy:
# they follow the registry's version, not capmarket's topic catalogue.
#
# usage: registry-acls.sh [KAFKA_HOME [BOOTSTRAP_SERVER [ADMIN_SETTINGS]]]
#   (defaults: /opt/kafka, kafka:9092 and /etc/kafka/secrets/admin.properties)
set -euo pipefail
kafka_home=${1:-/opt/kafka}
bootstrap=${2:-kafka:9092}
admin_settings=${3:-/etc/kafka/secrets/admin.properties}
acls() {
  "$kafka_home/bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --command-config "$admin_settings" \
    --add --allow-principal User:schema-registry "$@"
}
acls --topic _schemas --operation Create --operation Describe --operation DescribeConfigs --operation Read --operation Write
acls --group schema-registry --resource-pattern-type prefixed --operation Read --operation Describe
