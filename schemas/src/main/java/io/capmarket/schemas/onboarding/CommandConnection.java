package io.capmarket.schemas.onboarding;

import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.topics.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where and as whom {@link OnboardingCommand} connects, from its flags and {@code --command-config}. */
record CommandConnection(Map<String, Object> adminClientConfig, Map<String, Object> serdeConfig, String topicsPrefix, int partitions,
        Optional<String> clientRegistryUserInfo, Optional<String> platformRegistryUserInfo, Optional<String> clientBootstrapServers) {

    private static final Pattern JAAS_USERNAME = Pattern.compile("\\busername\\s*=\\s*\"([^\"]*)\"");

    static CommandConnection resolve(OnboardingCommand.Invocation invocation, Map<String, String> env) {
        Map<String, String> file = new LinkedHashMap<>();
        invocation.option("--command-config").ifPresent(path -> file.putAll(read(Path.of(path))));
        Map<String, Object> admin = new HashMap<>();
        Map<String, Object> serde = new HashMap<>();
        file.forEach((key, value) -> {
            if (key.startsWith("capmarket.")) {
                return;
            }
            (ClientSettings.SERDE_KEYS.contains(key) || key.startsWith("schema.registry.") ? serde : admin).put(key, value);
        });
        invocation.option("--bootstrap-servers").ifPresent(servers -> admin.put("bootstrap.servers", servers));
        invocation.option("--schema-registry-url").ifPresent(url -> serde.put("schema.registry.url", url));
        if (admin.get("bootstrap.servers") == null || admin.get("bootstrap.servers").toString().isBlank()) {
            throw new OnboardingCommand.UsageException("--bootstrap-servers is required (or bootstrap.servers in --command-config)");
        }
        if (serde.get("schema.registry.url") == null || serde.get("schema.registry.url").toString().isBlank()) {
            throw new OnboardingCommand.UsageException("--schema-registry-url is required (or schema.registry.url in --command-config)");
        }
        serde.remove("auto.register.schemas");
        String clientUserInfo = userInfo(file, OnboardingCommand.CLIENT_REGISTRY_USER_INFO);
        String platformUserInfo = userInfo(file, OnboardingCommand.PLATFORM_REGISTRY_USER_INFO);
        return new CommandConnection(admin, serde, invocation.option("--topics-prefix").orElse(Topics.DEFAULT_PREFIX),
                invocation.option("--partitions").map(Integer::parseInt).orElse(Topics.DEFAULT_PARTITIONS),
                Optional.ofNullable(clientUserInfo), Optional.ofNullable(platformUserInfo),
                invocation.option("--client-bootstrap-servers"));
    }

    private static String userInfo(Map<String, String> file, String key) {
        String userInfo = file.get(key);
        if (userInfo != null && userInfo.indexOf(':') <= 0) {
            throw new OnboardingCommand.UsageException(key + " in --command-config must be user:password");
        }
        return userInfo;
    }

    /** Onboarding over this connection, granting the invocation's policy. */
    Onboarding onboarding(OnboardingCommand.Invocation invocation) {
        Optional<String> adminUser = adminUser();
        if (invocation.role().isPresent() && adminUser.isPresent() && adminUser.get().equals(invocation.subject())) {
            throw new OnboardingCommand.UsageException("--principal: '" + invocation.subject() + "' is the user --command-config "
                    + "connects as (sasl.jaas.config); onboarding it would replace the admin's own password");
        }
        Topics topics = Topics.builder().prefix(topicsPrefix).partitions(partitions).serdeConfig(serdeConfig).build();
        Onboarding.Builder builder = Onboarding.builder(topics, adminClientConfig).policy(invocation.policy(topics));
        clientRegistryUserInfo.ifPresent(builder::clientRegistryUserInfo);
        platformRegistryUserInfo.ifPresent(builder::platformRegistryUserInfo);
        clientBootstrapServers.ifPresent(builder::clientBootstrapServers);
        return builder.build();
    }

    /** The user the admin connects as: the {@code username} of its {@code sasl.jaas.config}, if it has one. */
    Optional<String> adminUser() {
        Object jaas = adminClientConfig.get("sasl.jaas.config");
        if (jaas == null) {
            return Optional.empty();
        }
        Matcher user = JAAS_USERNAME.matcher(jaas.toString());
        return user.find() ? Optional.of(user.group(1)) : Optional.empty();
    }

    private static Map<String, String> read(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new OnboardingCommand.UsageException("--command-config: cannot read " + path + " (" + e.getMessage() + ")");
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key).trim()));
        return values;
    }
}
