package io.capmarket.sdk.sync;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.sdk.InvalidConfigurationException;
import io.capmarket.sdk.InvalidOfferException;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.internal.OfferCodec;
import io.capmarket.sdk.internal.YamlOfferReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads offers kept as YAML files in a team's repository (GitOps). Every {@code *.yaml} and
 * {@code *.yml} file under a directory is read, in path order; a file holds one or more YAML
 * documents ({@code ---}), each either one offer or {@code offers:} with a list of offers:
 *
 * <pre>
 * offers:
 *   - offerId: pg16-eu-west          # required, unique across producers
 *     capability: postgres-database  # required, kebab-case
 *     version: 1                     # contract major version, default 1
 *     description: PostgreSQL 16, daily backups
 *     parameterSchema:               # JSON Schema, as YAML or as JSON text; default any object
 *       type: object
 *       properties:
 *         size: {type: string, enum: [small, medium, large]}
 *       required: [size]
 *     updatableParameters: [size]    # resized in place; default none
 *     outputSchema: '{"type": "object", "properties": {"host": {"type": "string"}}}'
 *     attributes: {region: eu-west, tier: gold}
 *     capacity: 50                   # required, requests in flight at most
 *     leadTime: 10m                  # required, promised p95: 500ms, 30s, 10m, 2h, 1d or PT10M
 *     maxTtl: 30d                    # the longest a resource lives once fulfilled; default no bound
 *     approval:                      # requests that wait for an approval before they are matched; default none
 *       when: {size: [large]}        # parameters and the values that call for it; omitted: every request
 *       approvers: [role:admin]      # role:admin, team:dba, …; any one of them decides
 *       expiresAfter: 2d             # how long a request waits; default the marketplace's (3d)
 *     status: ACTIVE                 # ACTIVE (default), PAUSED, DEPRECATED, RETIRED
 *     sunset: 2026-06-30             # required for DEPRECATED: a date or an instant
 * </pre>
 *
 * <p>Either all files are valid and every offer is returned, or an {@link InvalidOfferException}
 * lists every problem as {@code file:line: message} (unknown fields, wrong types, broken rules,
 * YAML syntax, duplicate offerIds across files) — so a sync publishes all or nothing.
 *
 * <p>Needs {@code com.fasterxml.jackson.dataformat:jackson-dataformat-yaml} on the classpath: the
 * SDK declares it optional, so add it to your build to read offer files in your own service.
 */
public final class OfferFiles {

    private OfferFiles() {
    }

    /**
     * Reads every offer file under a directory.
     *
     * @throws InvalidOfferException listing every problem as {@code file:line: message}
     * @throws InvalidConfigurationException when the directory has no offer file or YAML support is missing
     */
    public static List<Offer> read(Path dir) {
        YamlOfferReader reader = reader();
        List<Path> files;
        if (!Files.isDirectory(dir)) {
            throw new InvalidConfigurationException("dir must be a directory of offer files, but " + dir + " is not one");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot list offer files under " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            // an empty directory would withdraw every offer; say so explicitly with 'offers: []'
            throw new InvalidConfigurationException("dir must hold offer files (*.yaml, *.yml), but " + dir + " has none; "
                    + "to withdraw every offer, keep a file with 'offers: []'");
        }
        for (Path file : files) {
            try {
                reader.read(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                reader.problems().add(file + ": cannot read: " + e.getMessage());
            }
        }
        return result(reader);
    }

    /**
     * Reads offers from one file's text.
     *
     * @param source the name used in problems, such as {@code offers/postgres.yaml}
     * @throws InvalidOfferException listing every problem as {@code source:line: message}
     */
    public static List<Offer> parse(String source, String yaml) {
        YamlOfferReader reader = reader();
        reader.read(source, yaml);
        return result(reader);
    }

    /**
     * Reads offers from several files' text, as {@link #read} does from a directory: duplicate
     * offerIds across them are problems too. For offer files that are not in a directory, such as
     * resources on a classpath.
     *
     * @param yamlBySource each file's text by the name used in problems, read in the map's order
     * @throws InvalidOfferException listing every problem as {@code source:line: message}
     */
    public static List<Offer> parse(Map<String, String> yamlBySource) {
        YamlOfferReader reader = reader();
        yamlBySource.forEach(reader::read);
        return result(reader);
    }

    /**
     * An offer as the record its producer publishes on its offers topic, as {@code capmarket sync}
     * publishes it: for tools that take offer files without publishing them (a what-if replay).
     */
    public static CapabilityOffer published(Offer offer, String producerId, Instant updatedAt) {
        return OfferCodec.toAvro(offer, producerId, updatedAt);
    }

    private static List<Offer> result(YamlOfferReader reader) {
        if (!reader.problems().isEmpty()) {
            throw new InvalidOfferException(reader.problems());
        }
        return reader.offers().stream().map(YamlOfferReader.Located::offer).toList();
    }

    private static YamlOfferReader reader() {
        try {
            Class.forName("com.fasterxml.jackson.dataformat.yaml.YAMLFactory", false, OfferFiles.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new InvalidConfigurationException("reading offer files needs com.fasterxml.jackson.dataformat:"
                    + "jackson-dataformat-yaml on the classpath (an optional dependency of the producer SDK); add it to your build", e);
        }
        return new YamlOfferReader();
    }
}
