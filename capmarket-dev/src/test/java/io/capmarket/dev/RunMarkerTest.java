package io.capmarket.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMarkerTest {

    @TempDir
    Path data;

    @Test
    void aRunThatStoppedCleanlyLeavesNoMarkAndAKilledOneDoes() {
        assertThat(new RunMarker(data).leftByUncleanStop()).as("a fresh data directory").isFalse();

        RunMarker killed = new RunMarker(data);
        killed.place();
        assertThat(new RunMarker(data).leftByUncleanStop()).as("after a run that never removed its marker").isTrue();
        assertThat(data.resolve(RunMarker.FILE)).content().isEqualTo(Long.toString(ProcessHandle.current().pid()));

        RunMarker clean = new RunMarker(data);
        clean.place();
        clean.remove();
        assertThat(new RunMarker(data).leftByUncleanStop()).as("after a run that stopped cleanly").isFalse();
    }
}
