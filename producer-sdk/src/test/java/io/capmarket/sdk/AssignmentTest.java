package io.capmarket.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.AssignmentAction;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AssignmentTest {

    private static Assignment of(AssignmentAction action, int revision, String parameters, String previous) {
        return new Assignment("r1", "pg", "postgres-database", 1, "app", 1, parameters, Instant.EPOCH, Instant.EPOCH,
                Duration.ofMinutes(1), action, revision, previous);
    }

    @Test
    void theFormerConstructorMakesAProvisioningAtRevisionZero() {
        Assignment fulfil = new Assignment("r1", "pg", "postgres-database", 1, "app", 2, "{}", Instant.EPOCH, Instant.EPOCH,
                Duration.ofMinutes(1));

        assertThat(fulfil.action()).isEqualTo(AssignmentAction.FULFIL);
        assertThat(fulfil.revision()).isZero();
        assertThat(fulfil.isOperation()).isFalse();
        assertThat(fulfil.previousParameters()).isNull();
        assertThat(fulfil.ref()).isEqualTo(new AssignmentRef("r1", 2, "pg", "postgres-database"));
    }

    @Test
    void anUpdateTellsWhatChangesAndItsReferenceCarriesTheRevision() {
        Assignment update = of(AssignmentAction.UPDATE, 2, "{\"size\":\"large\",\"replicas\":1,\"tags\":[\"a\"]}",
                "{\"size\":\"small\",\"replicas\":1,\"zone\":\"b\"}");

        assertThat(update.isOperation()).isTrue();
        assertThat(update.changedParameters()).containsExactly("size", "tags", "zone");
        assertThat(update.previousParameterMap()).containsEntry("size", "small");
        assertThat(update.ref()).isEqualTo(new AssignmentRef("r1", 1, "pg", "postgres-database", 2));
        assertThat(of(AssignmentAction.UPDATE, 1, "{}", null).previousParameters()).isEqualTo("{}");
        assertThat(of(AssignmentAction.DEPROVISION, 3, "{}", null).changedParameters()).isEmpty();
    }

    @Test
    void revisionsFitTheActionAndOnlyAnUpdateHasPreviousParameters() {
        assertThatThrownBy(() -> of(AssignmentAction.FULFIL, 1, "{}", null))
                .hasMessage("revision of a FULFIL must be 0 (the provisioning), but was 1");
        assertThatThrownBy(() -> of(AssignmentAction.UPDATE, 0, "{}", "{}"))
                .hasMessage("revision of an UPDATE must be at least 1 (0 is the provisioning), but was 0");
        assertThatThrownBy(() -> of(AssignmentAction.CANCEL, -1, "{}", null)).hasMessage("revision must be 0 or more, but was -1");
        assertThatThrownBy(() -> of(AssignmentAction.DEPROVISION, 2, "{}", "{}"))
                .hasMessage("previousParameters must only be given for an UPDATE, but the action was DEPROVISION");
        assertThatThrownBy(() -> new AssignmentRef("r1", 1, "pg", "postgres-database", -1))
                .hasMessage("revision must be 0 or more, but was -1");
    }
}
