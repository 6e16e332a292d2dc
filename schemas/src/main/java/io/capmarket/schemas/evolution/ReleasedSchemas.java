package io.capmarket.schemas.evolution;

import io.capmarket.schemas.EventSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;

/**
 * The released snapshot of the event schemas: one self-contained {@code .avsc} file per
 * top-level event in a directory of the repository ({@code schemas/src/release/avro}).
 *
 * <p>Run {@link #main(String[])} when releasing to record the current schemas as the new
 * snapshot; from then on the build holds every change to BACKWARD compatibility with it.
 */
public final class ReleasedSchemas {

    private ReleasedSchemas() {
    }

    /** Reads every snapshot file of a directory, each parsed on its own. */
    public static List<Schema> read(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            List<Schema> schemas = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                schemas.add(new Schema.Parser().parse(Files.readString(file, StandardCharsets.UTF_8)));
            }
            return schemas;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the released schema snapshot in " + directory, e);
        }
    }

    /** Writes the given schemas as the snapshot, one file per schema named after its full name. */
    public static void write(Path directory, List<Schema> schemas) {
        try {
            Files.createDirectories(directory);
            for (Schema schema : schemas) {
                Files.writeString(directory.resolve(schema.getFullName() + ".avsc"),
                        SchemaFormatter.format("json/pretty", schema) + System.lineSeparator(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the released schema snapshot to " + directory, e);
        }
    }

    /**
     * Records the current event schemas as the released snapshot.
     *
     * @param args the snapshot directory, for example {@code schemas/src/release/avro}
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ReleasedSchemas <snapshot-directory>");
            System.exit(2);
        }
        Path directory = Path.of(args[0]);
        write(directory, EventSchemas.all());
        System.out.println("released " + EventSchemas.all().size() + " event schemas to " + directory);
    }
}
