package io.capmarket.schemas.onboarding;

import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.access.Principal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The client settings onboarding hands to each principal it issues credentials for: the brokers
 * (with the SASL protocol and the brokers' trust store when the cluster authenticates), the
 * principal's SCRAM login, and the schema registry as clients reach it; producers and teams read
 * schemas, the platform also registers them.
 *
 * @param clientBase the brokers' settings every client shares
 * @param registryUrl the schema registry as clients reach it
 * @param clientRegistryUserInfo the registry's {@code user:password} for producers and teams, if it asks for one
 * @param platformRegistryUserInfo the registry's {@code user:password} for the platform, if it asks for one
 */
record IssuedSettings(Map<String, String> clientBase, String registryUrl, Optional<String> clientRegistryUserInfo,
        Optional<String> platformRegistryUserInfo) {

    IssuedSettings {
        clientBase = Map.copyOf(clientBase);
    }

    /** The settings of {@code principal}, with its SCRAM login when it has a {@code password}. */
    ClientSettings forPrincipal(Principal principal, Optional<String> password, boolean platform) {
        Map<String, String> values = new LinkedHashMap<>(clientBase);
        password.ifPresent(secret -> {
            values.put("sasl.mechanism", ClientSettings.SCRAM_SHA_512);
            values.put("sasl.jaas.config", ClientSettings.scramJaasConfig(principal.user(), secret));
        });
        values.put("schema.registry.url", registryUrl);
        Optional<String> registryUserInfo = platform ? platformRegistryUserInfo : clientRegistryUserInfo;
        registryUserInfo.ifPresent(userInfo -> {
            values.put("basic.auth.credentials.source", "USER_INFO");
            values.put("basic.auth.user.info", userInfo);
        });
        if (!platform) {
            values.put("auto.register.schemas", "false");
        }
        return ClientSettings.of(values);
    }

    /** Names the registry and whether it is given credentials; never the credentials themselves. */
    @Override
    public String toString() {
        return "IssuedSettings[clientBase=" + clientBase.keySet() + ", registryUrl=" + registryUrl + ", clientRegistryUserInfo="
                + (clientRegistryUserInfo.isPresent() ? "set" : "none") + ", platformRegistryUserInfo="
                + (platformRegistryUserInfo.isPresent() ? "set" : "none") + "]";
    }

    /**
     * The brokers' settings every client shares, from the admin's: its bootstrap servers (or
     * {@code bootstrapServers}); its security protocol, in Kafka's upper case, over SASL when
     * {@code authenticating} (TLS kept: {@code SSL} becomes {@code SASL_SSL}); and what a client
     * needs to trust the brokers' certificates (never the admin's own key store).
     */
    static Map<String, String> clientBase(Map<String, ?> adminConfig, String bootstrapServers, boolean authenticating) {
        Map<String, String> base = new LinkedHashMap<>();
        Object servers = bootstrapServers != null ? bootstrapServers : adminConfig.get("bootstrap.servers");
        if (servers == null || servers.toString().isBlank()) {
            throw new IllegalArgumentException("bootstrap.servers is required in the admin's client settings");
        }
        base.put("bootstrap.servers", servers.toString());
        Object configured = adminConfig.get("security.protocol");
        String protocol = configured == null ? null : configured.toString().trim().toUpperCase(Locale.ROOT);
        if (authenticating) {
            base.put("security.protocol", protocol != null && protocol.startsWith("SASL_") ? protocol
                    : "SSL".equals(protocol) ? "SASL_SSL" : "SASL_PLAINTEXT");
        } else if (protocol != null) {
            base.put("security.protocol", protocol);
        }
        adminConfig.forEach((key, value) -> {
            if (key.startsWith("ssl.truststore.") || key.equals("ssl.endpoint.identification.algorithm")) {
                base.put(key, String.valueOf(value));
            }
        });
        return base;
    }
}
