#!/usr/bin/env bash
# The compose stack's secrets: generated on its first start, kept while its cluster lives. Run by
# the one-shot service `secrets` (as root, the only service that is) before any other, with every
# volume below mounted at <root>/<volume name>:
#
#   kafka-data               Kafka's log directory; formatted means the cluster exists
#   kafka-secrets            the broker's JAAS settings, read through Kafka's FileConfigProvider,
#                            and the admin's client settings (health check, registry-access)
#   schema-registry-secrets  the schema registry's own Kafka login, User:schema-registry
#   registry-proxy-secrets   the registry proxy's users, salted and hashed
#   admin-credentials        the init step's --command-config files: the Kafka super user, the
#                            registry's admin, and the registry users onboarding hands out
#   <principal>-credentials  one per principal, filled by the init step
#   grafana-secrets          Grafana's admin password (user admin)
#   gateway-instances        the secret the gateway's instances sign the reads they forward to each other with
#
# While Kafka's log directory is formatted, the admin's and the registry's SCRAM credentials are
# in the cluster's metadata and every credential issued is in use: nothing is changed. On a new
# cluster (nothing formatted yet) every secret is drawn anew and every credential issued for an
# earlier cluster is deleted, so the init step issues them again. Grafana's admin password belongs
# to no cluster: it is drawn when its volume has none and kept after. It prints file names only.
#
# usage: generate.sh [ROOT]   (default /volumes)
set -euo pipefail
umask 077
root=${1:-/volumes}

# Who reads what: uid 1000 is appuser in the apache/kafka and confluentinc images and the user of
# capmarket's images; uid 101 is nginx in nginx:alpine, whose worker processes read the users file;
# uid 472 is grafana in grafana/grafana.
readonly APP_UID=1000 NGINX_UID=101 GRAFANA_UID=472
# The names every other piece uses: the services' host names, the principals, the registry users.
readonly BOOTSTRAP=kafka:9092 REGISTRY_URL=http://registry:8081
readonly ADMIN=admin SCHEMA_REGISTRY=schema-registry
readonly REGISTRY_TOPOLOGY=capmarket-topology REGISTRY_GATEWAY=capmarket-gateway REGISTRY_CLIENT=capmarket-client

kafka_secrets=$root/kafka-secrets
registry_secrets=$root/schema-registry-secrets
proxy_secrets=$root/registry-proxy-secrets
admin_credentials=$root/admin-credentials
generated=(
  "$kafka_secrets/broker.properties" "$kafka_secrets/admin.properties"
  "$registry_secrets/kafkastore.properties"
  "$proxy_secrets/htpasswd"
  "$admin_credentials/admin.properties" "$admin_credentials/onboard-topology.properties"
  "$admin_credentials/onboard-gateway.properties"
)

# A volume readable and writable by its user only, its files readable by that user only.
own() {
  local dir=$1 uid=$2
  chmod 700 "$dir"
  find "$dir" -mindepth 1 -type f -exec chmod 400 {} +
  if [[ $(id -u) == 0 ]]; then
    chown -R "$uid:$uid" "$dir"
  fi
}

own_all() {
  own "$kafka_secrets" $APP_UID
  own "$registry_secrets" $APP_UID
  own "$proxy_secrets" $NGINX_UID
  own "$admin_credentials" $APP_UID
  local credentials
  for credentials in "$root"/*-credentials; do
    [[ $credentials == "$admin_credentials" ]] || own "$credentials" $APP_UID
  done
}

# 24 random bytes, URL-safe: safe in JAAS quotes, in the storage tool's --add-scram and in user:password
secret() { head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

grafana_secrets=$root/grafana-secrets
if [[ ! -s $grafana_secrets/admin-password ]]; then
  secret > "$grafana_secrets/admin-password"
  echo "secrets: wrote $grafana_secrets/admin-password"
fi
own "$grafana_secrets" $GRAFANA_UID

gateway_instances=$root/gateway-instances
if [[ ! -s $gateway_instances/signing-key ]]; then
  { secret; secret; } | tr -d '\n' > "$gateway_instances/signing-key"
  echo "secrets: wrote $gateway_instances/signing-key"
fi
own "$gateway_instances" $APP_UID

if [[ -f $root/kafka-data/meta.properties ]]; then
  for file in "${generated[@]}"; do
    if [[ ! -s $file ]]; then
      echo "secrets: the cluster in $root/kafka-data is formatted, but $file is missing: its credentials cannot be" \
        "recovered; start from scratch with: docker compose down -v" >&2
      exit 1
    fi
  done
  own_all
  echo "secrets: the cluster exists; its secrets are kept"
  exit 0
fi

# {SSHA}: base64(SHA-1(password + salt) + salt), one of the schemes nginx's auth_basic reads
hex_bytes() { sed 's/../\\x&/g' <<< "$1"; }
ssha() {
  local salt digest
  salt=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
  digest=$({ printf '%s' "$1"; printf "$(hex_bytes "$salt")"; } | sha1sum | cut -c1-40)
  printf '{SSHA}%s' "$(printf "$(hex_bytes "$digest$salt")" | base64 | tr -d '\n')"
}
scram_jaas() {
  printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";' "$1" "$2"
}

echo "secrets: a new cluster; drawing its secrets"
admin_password=$(secret)
controller_password=$(secret)
registry_kafka_password=$(secret)
registry_admin_password=$(secret)
registry_topology_password=$(secret)
registry_gateway_password=$(secret)
registry_client_password=$(secret)

for dir in "$kafka_secrets" "$registry_secrets" "$proxy_secrets" "$admin_credentials" "$root"/*-credentials; do
  find "$dir" -mindepth 1 -delete
done

cat > "$kafka_secrets/broker.properties" <<PROPERTIES
# The broker's logins, read through Kafka's FileConfigProvider (docker-compose.yml, KAFKA_*_SASL_JAAS_CONFIG).
# client: the SCRAM listener; the broker logs in to itself as the admin.
client.sasl.jaas.config=$(scram_jaas "$ADMIN" "$admin_password")
# controller: the KRaft listener; one PLAIN user, this node, whose password only this file holds.
controller.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$ADMIN" password="$controller_password" user_$ADMIN="$controller_password";
# the admin's SCRAM password, added to the metadata when the storage is formatted
admin.password=$admin_password
PROPERTIES

kafka_client() {
  printf 'bootstrap.servers=%s\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=%s\n' \
    "$BOOTSTRAP" "$(scram_jaas "$1" "$2")"
}
{
  echo "# The admin's Kafka client settings: the broker's health check and the registry's ACLs."
  kafka_client "$ADMIN" "$admin_password"
} > "$kafka_secrets/admin.properties"

cat > "$registry_secrets/kafkastore.properties" <<PROPERTIES
# The schema registry's Kafka login (User:$SCHEMA_REGISTRY): its JAAS line for SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG,
# and its password, added to the metadata when the storage is formatted.
sasl.jaas.config=$(scram_jaas "$SCHEMA_REGISTRY" "$registry_kafka_password")
password=$registry_kafka_password
PROPERTIES

{
  printf '%s:%s\n' "$ADMIN" "$(ssha "$registry_admin_password")"
  printf '%s:%s\n' "$REGISTRY_TOPOLOGY" "$(ssha "$registry_topology_password")"
  printf '%s:%s\n' "$REGISTRY_GATEWAY" "$(ssha "$registry_gateway_password")"
  printf '%s:%s\n' "$REGISTRY_CLIENT" "$(ssha "$registry_client_password")"
} > "$proxy_secrets/htpasswd"

admin_settings() {
  echo "# The admin's settings for capmarket's onboarding command (--command-config): Kafka's super user, the"
  echo "# registry's admin, and the registry user every onboarded producer and team gets (it may only read)."
  kafka_client "$ADMIN" "$admin_password"
  printf 'schema.registry.url=%s\nbasic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=%s:%s\n' \
    "$REGISTRY_URL" "$ADMIN" "$registry_admin_password"
  printf 'capmarket.clients.basic.auth.user.info=%s:%s\n' "$REGISTRY_CLIENT" "$registry_client_password"
}
admin_settings > "$admin_credentials/admin.properties"
{
  admin_settings
  echo "# the topology's own registry user (it registers the platform's schemas)"
  printf 'capmarket.platform.basic.auth.user.info=%s:%s\n' "$REGISTRY_TOPOLOGY" "$registry_topology_password"
} > "$admin_credentials/onboard-topology.properties"
{
  admin_settings
  echo "# the gateway's own registry user (it registers the requests' schema)"
  printf 'capmarket.platform.basic.auth.user.info=%s:%s\n' "$REGISTRY_GATEWAY" "$registry_gateway_password"
} > "$admin_credentials/onboard-gateway.properties"

# Kafka formats its log directory as its own user (kafka-format), into the volume's root.
if [[ $(id -u) == 0 ]]; then
  chown "$APP_UID:$APP_UID" "$root/kafka-data"
fi
own_all
printf 'secrets: wrote %s\n' "${generated[@]}"
