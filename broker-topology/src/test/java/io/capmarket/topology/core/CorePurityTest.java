package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The desk's layering, checked on the compiled classes (so a fully qualified name counts as much
 * as an import): nothing in {@code topology.core} or {@code topology.replay} refers to Kafka or to
 * the topology's plumbing.
 */
class CorePurityTest {

    private static final List<String> FORBIDDEN = List.of("org/apache/kafka/", "io/capmarket/topology/internal/",
            "io/capmarket/topology/app/");

    @Test
    void nothingInTheCoreRefersToKafkaOrThePlumbing() throws Exception {
        List<Path> classFiles = classFiles(classes().resolve("io/capmarket/topology/core"));
        assertThat(classFiles).as("the core's compiled classes").hasSizeGreaterThan(20);
        // the what-if replay runs the desk off the log's facts: pure too
        List<Path> replay = classFiles(classes().resolve("io/capmarket/topology/replay"));
        assertThat(replay).as("the replay's compiled classes").hasSizeGreaterThan(5);
        classFiles = java.util.stream.Stream.concat(classFiles.stream(), replay.stream()).toList();

        assertThat(classFiles).allSatisfy(file -> assertThat(references(file))
                .as("%s refers to", classes().relativize(file))
                .isEmpty());
    }

    @Test
    void theCheckSeesAReferenceWhereThereIsOne() throws Exception {
        Path engine = classes().resolve("io/capmarket/topology/internal/CapabilityEngine.class");

        assertThat(references(engine)).contains("org/apache/kafka/");
    }

    private static List<String> references(Path classFile) {
        try {
            // class names are kept in the constant pool as modified UTF-8, plain ASCII for these packages
            String pool = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            return FORBIDDEN.stream().filter(pool::contains).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> classFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".class")).toList();
        }
    }

    private static Path classes() throws URISyntaxException {
        return Path.of(CapabilityDesk.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
