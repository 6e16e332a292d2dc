#!/usr/bin/env bash
# Onboards, as the admin, every principal of the compose stack with capmarket's own onboarding
# command: the topology and the gateway (credential, ACLs), each producer of ONBOARD_PRODUCERS
# ("id=capability,capability ...": topics, schemas, credential, ACLs, approval) and each team of
# ONBOARD_TEAMS (its requests topic, schema, credential, ACLs). Each principal's client settings
# are written to /credentials/<principal>/<principal>.properties, a volume only that principal's
# services mount. Run by the one-shot service `init`, in capmarket's command-line image (capmarket/cli).
#
# A principal whose settings exist was onboarded on an earlier start and is left alone: onboarding
# again would issue a new password under its running services. The secrets step deletes them all
# when the cluster is new. To give a principal a new password, delete its file and restart.
set -euo pipefail
admin=/etc/capmarket/admin
onboarding() {
  java -Xmx256m -Dslf4j.internal.verbosity=ERROR -cp '/app/resources:/app/classes:/app/libs/*' io.capmarket.schemas.onboarding.OnboardingCommand "$@"
}
issue() {
  local principal=$1
  shift
  local settings=/credentials/$principal/$principal.properties
  if [[ -s $settings ]]; then
    echo "init: $principal was onboarded on an earlier start; its settings are kept"
    return
  fi
  onboarding "$@" --out "$settings"
}

issue capmarket-topology platform onboard --role topology --command-config "$admin/onboard-topology.properties"
issue capmarket-gateway platform onboard --role gateway --command-config "$admin/onboard-gateway.properties"
for producer in ${ONBOARD_PRODUCERS:-}; do
  issue "producer.${producer%%=*}" producer onboard --producer-id "${producer%%=*}" --capabilities "${producer#*=}" \
    --command-config "$admin/admin.properties" --by compose-init
done
for team in ${ONBOARD_TEAMS:-}; do
  issue "team.$team" team onboard --team "$team" --command-config "$admin/admin.properties" --by compose-init
done
