package io.capmarket.testkit.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.tools.StorageTool;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * The data directory of an {@link EmbeddedKafkaBroker}: formatted once with Kafka's storage tool
 * (with the secure admin's SCRAM credential, which is also recorded beside the data, readable by
 * its owner only, so that a kept directory restarts with the same admin), then reused as it is.
 */
final class BrokerStorage {

    /** The file in a secure data directory that records its admin's credential. */
    static final String SECURITY_MARKER = "capmarket-security.properties";
    private static final String LOG_DIR_NAME = "logs";

    private final Path directory;

    BrokerStorage(Path directory) {
        this.directory = directory;
    }

    /** A new directory under {@code java.io.tmpdir}, for a broker that owns its data. */
    static Path createTemporary() {
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "capmarket-kafka-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a data directory under " + parent, e);
        }
    }

    /** The node's log directory ({@code log.dirs}). */
    Path logDirectory() {
        return directory.resolve(LOG_DIR_NAME);
    }

    boolean formatted() {
        return Files.exists(logDirectory().resolve("meta.properties"));
    }

    /**
     * Formats the directory for a node with {@code properties} unless it is formatted already.
     *
     * @param adminUser the secure broker's admin, whose SCRAM credential goes into the cluster's
     *     metadata and beside the data; null for a broker without security
     */
    void formatIfNeeded(Properties properties, String clusterId, String adminUser, String adminPassword) {
        if (formatted()) {
            return;
        }
        Path configFile = directory.resolve("server.properties");
        Properties withoutSecrets = new Properties();
        properties.forEach((key, value) -> {
            if (!key.toString().endsWith(".sasl.jaas.config")) {
                withoutSecrets.put(key, value);
            }
        });
        try (OutputStream out = Files.newOutputStream(configFile)) {
            withoutSecrets.store(out, "Written by EmbeddedKafkaBroker to format the storage");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + configFile, e);
        }
        List<String> args = new ArrayList<>(List.of(
            "format",
            "--config", configFile.toString(),
            "--cluster-id", clusterId,
            "--release-version", MetadataVersion.latestProduction().version(),
            "--ignore-formatted"));
        if (adminUser != null) {
            args.add("--add-scram");
            args.add(EmbeddedKafkaBroker.SCRAM_MECHANISM + "=[name=" + adminUser + ",password=" + adminPassword + "]");
        }
        runStorageTool(args.toArray(String[]::new));
        if (adminUser != null) {
            recordCredential(adminUser, adminPassword);
        }
    }

    /**
     * The admin password a secure broker of this directory uses: a formatted directory keeps its
     * admin's credential, which a broker built with a generated password takes; an explicit
     * password must match it.
     */
    String adoptStoredCredential(String adminUser, String adminPassword, boolean generatedPassword) {
        if (!formatted()) {
            return adminPassword;
        }
        Path marker = directory.resolve(SECURITY_MARKER);
        if (!Files.exists(marker)) {
            throw new IllegalStateException("The data directory " + directory + " was formatted without SASL/SCRAM, "
                    + "so it holds no admin credential and cannot be started secure; wipe it or use another data directory");
        }
        Properties security = new Properties();
        try (InputStream in = Files.newInputStream(marker)) {
            security.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + marker, e);
        }
        if (!adminUser.equals(security.getProperty("admin"))) {
            throw new IllegalStateException("The data directory " + directory + " was formatted with admin '"
                    + security.getProperty("admin") + "', but this broker's admin is '" + adminUser
                    + "'; use the same admin (and password) or another data directory");
        }
        String stored = security.getProperty("admin.password");
        if (generatedPassword && stored != null) {
            return stored;
        }
        if (stored != null && !stored.equals(adminPassword)) {
            throw new IllegalStateException("The data directory " + directory + " was formatted with another password for admin '"
                    + adminUser + "' (its credential is in the cluster's metadata); use that one, or another data directory");
        }
        return adminPassword;
    }

    /** Deletes the directory and everything in it. */
    void delete() {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted((a, b) -> b.compareTo(a))::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }

    private void recordCredential(String adminUser, String adminPassword) {
        Path marker = directory.resolve(SECURITY_MARKER);
        Properties security = new Properties();
        security.setProperty("sasl.mechanism", EmbeddedKafkaBroker.SCRAM_MECHANISM);
        security.setProperty("admin", adminUser);
        security.setProperty("admin.password", adminPassword);
        try {
            Files.deleteIfExists(marker);
            createOwnerOnly(marker);
            try (OutputStream out = Files.newOutputStream(marker)) {
                security.store(out, "This storage was formatted with SASL/SCRAM and ACLs; the admin's credential is in its metadata");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + marker, e);
        }
    }

    /** Creates an empty file only its owner may read, where the file system has POSIX permissions. */
    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    private void runStorageTool(String[] args) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(args, stream);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Formatting " + directory + " failed: "
                    + output.toString(StandardCharsets.UTF_8), e);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("Formatting " + directory + " failed with exit code "
                    + exitCode + ": " + output.toString(StandardCharsets.UTF_8));
        }
    }
}
