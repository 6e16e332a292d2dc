package io.capmarket.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GcPausesTest {

    private static final List<String> LOG = List.of(
            "[0.004s] Using Parallel",
            "[1.718s] GC(0) Pause Young (Metadata GC Threshold) 78M->13M(362M) 27.987ms",
            "[11.267s] GC(5) Pause Young (Allocation Failure) 119M->38M(457M) 139.397ms",
            "[16.182s] GC(6) Pause Young (Allocation Failure) 228M->44M(457M) 110.903ms",
            "[21.063s] GC(7) Pause Full (Ergonomics) 234M->50M(561M) 88.389ms",
            "[30.000s] GC(8) Pause Young (Allocation Failure) 331M->51M(555M) 143.234ms");

    @Test
    void countsThePausesWithinTheWindowOnly() {
        ChildJvm.GcPauses pauses = ChildJvm.GcPauses.within(LOG, 10.0, 25.0);

        assertThat(pauses.count()).isEqualTo(3);
        assertThat(pauses.maxMs()).isEqualTo(139.397);
        assertThat(pauses.totalMs()).isCloseTo(139.397 + 110.903 + 88.389, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void noPauseInTheWindowIsZero() {
        assertThat(ChildJvm.GcPauses.within(LOG, 2.0, 10.0)).isEqualTo(new ChildJvm.GcPauses(0, 0, 0));
    }
}
