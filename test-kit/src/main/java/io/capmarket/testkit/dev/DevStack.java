package io.capmarket.testkit.dev;

import io.capmarket.testkit.kafka.EmbeddedKafkaBroker;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local marketplace infrastructure in one JVM: an in-JVM KRaft broker and the embedded
 * schema registry (stored in the broker's {@code _schemas} topic), with data kept in a directory
 * so a restart keeps every topic and schema id.
 *
 * <p>{@linkplain DevStackOptions#secure() Secure}, the broker authenticates every client with
 * SASL/SCRAM-SHA-512 and authorizes it by ACLs (see {@link EmbeddedKafkaBroker}), with the
 * {@value EmbeddedKafkaBroker#DEFAULT_ADMIN_USER} super user; the registry asks for HTTP basic
 * credentials: {@value #REGISTRY_ADMIN} may do everything, {@value #REGISTRY_READER} may only read
 * (what producers and bots get). The registry's passwords are new on every start.
 */
public final class DevStack implements AutoCloseable {

    /** The registry user who may register schemas and change settings (secure only). */
    public static final String REGISTRY_ADMIN = "admin";
    /** The registry user who may only read (secure only). */
    public static final String REGISTRY_READER = "reader";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DevStackOptions options;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final String registryAdminPassword;
    private final String registryReaderPassword;

    private DevStack(DevStackOptions options, EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry,
            String registryAdminPassword, String registryReaderPassword) {
        this.options = options;
        this.broker = broker;
        this.registry = registry;
        this.registryAdminPassword = registryAdminPassword;
        this.registryReaderPassword = registryReaderPassword;
    }

    /** Starts the broker, then the registry; wipes the data directory first when asked to. */
    public static DevStack start(DevStackOptions options) {
        if (options.reset()) {
            deleteRecursively(options.dataDirectory());
        }
        EmbeddedKafkaBroker.Builder brokerBuilder = EmbeddedKafkaBroker.builder()
                .dataDirectory(options.dataDirectory().resolve("kafka").toAbsolutePath())
                .port(options.kafkaPort())
                // after a crash the node registers again only once its previous run's broker session
                // has ended: 3 s instead of Kafka's 9 s (one node in one process, never starved that long)
                .brokerConfig("broker.session.timeout.ms", "3000")
                .brokerConfig("broker.heartbeat.interval.ms", "500");
        if (options.secure()) {
            brokerBuilder.secure();
        }
        EmbeddedKafkaBroker broker = brokerBuilder.build().start();
        try {
            EmbeddedSchemaRegistry.Builder registryBuilder = EmbeddedSchemaRegistry.builder()
                    .port(options.registryPort())
                    .kafkaClientConfig(broker.adminClientConfig());
            String adminPassword = null;
            String readerPassword = null;
            if (options.secure()) {
                adminPassword = randomSecret();
                readerPassword = randomSecret();
                registryBuilder.basicAuth(REGISTRY_ADMIN, adminPassword).readOnlyUser(REGISTRY_READER, readerPassword);
            }
            EmbeddedSchemaRegistry registry = registryBuilder.build().start();
            return new DevStack(options, broker, registry, adminPassword, readerPassword);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The broker's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Whether clients must authenticate to the broker and the registry. */
    public boolean secure() {
        return options.secure();
    }

    /** The broker's super user's client settings ({@code bootstrap.servers} alone when not secure). */
    public Map<String, Object> adminClientConfig() {
        return broker.adminClientConfig();
    }

    /** The broker, to create principals' credentials and client settings on a secure stack. */
    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** {@code user:password} of the registry user who may do everything, when secure. */
    public Optional<String> registryAdminUserInfo() {
        return Optional.ofNullable(registryAdminPassword).map(password -> REGISTRY_ADMIN + ":" + password);
    }

    /** {@code user:password} of the registry user who may only read, when secure. */
    public Optional<String> registryReaderUserInfo() {
        return Optional.ofNullable(registryReaderPassword).map(password -> REGISTRY_READER + ":" + password);
    }

    /**
     * Writes the admin's client settings (Kafka and registry) to {@code credentials/admin.properties}
     * under the data directory, readable by its owner only: the {@code --command-config} of
     * {@code ./capmarket producer onboard} against this stack (with
     * {@code capmarket.clients.basic.auth.user.info}, the read-only registry user it hands to producers).
     *
     * @return the file written
     */
    public Path writeAdminSettings() {
        Map<String, Object> settings = new LinkedHashMap<>(adminClientConfig());
        settings.put("schema.registry.url", registryUrl());
        registryAdminUserInfo().ifPresent(userInfo -> {
            settings.put("basic.auth.credentials.source", "USER_INFO");
            settings.put("basic.auth.user.info", userInfo);
        });
        // the registry user ./capmarket producer|team onboard writes into the principals' settings
        registryReaderUserInfo().ifPresent(userInfo -> settings.put("capmarket.clients.basic.auth.user.info", userInfo));
        Path file = dataDirectory().resolve("credentials").resolve("admin.properties");
        StringBuilder text = new StringBuilder("# capmarket dev: the admin's (super user's) client settings; rewritten on every start\n");
        settings.forEach((key, value) -> text.append(key).append('=').append(value.toString().replace("\\", "\\\\")).append('\n'));
        try {
            ownerOnlyDirectory(file.getParent());
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /**
     * Creates a directory (and its parents) that only its owner may enter, or narrows an existing
     * one to that, where the file system has POSIX permissions: where credentials are kept.
     *
     * @return the directory
     */
    public static Path ownerOnlyDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
            if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    /** The schema registry's base URL. */
    public String registryUrl() {
        return registry.url();
    }

    /** Where the data is kept. */
    public Path dataDirectory() {
        return options.dataDirectory().toAbsolutePath();
    }

    /** Stops the registry, then the broker; the data stays. */
    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            broker.close();
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + directory, e);
        }
    }
}
