package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerApproval;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfferRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");

    @Test
    void anOfferIsChangedAndWithdrawnOnlyByTheProducerThatHoldsIt() {
        assertThat(OfferRules.changeRefusal("pg", "postgres-database", "db-team", "rival", false)).contains(
                "change of offer pg of capability postgres-database by producer rival: the offer belongs to producer "
                        + "db-team, only it can change it");
        assertThat(OfferRules.changeRefusal("pg", "postgres-database", "db-team", "rival", true)).contains(
                "withdrawal of offer pg of capability postgres-database by producer rival: the offer belongs to producer "
                        + "db-team, only it can withdraw it");
        assertThat(OfferRules.changeRefusal("pg", "postgres-database", "db-team", "db-team", false)).isEmpty();
        assertThat(OfferRules.changeRefusal("pg", "postgres-database", "db-team", "db-team", true)).isEmpty();
    }

    @Test
    void aNewOfferIdIsTakenAndAChangeRecordedWithoutItsProducerIsTakenAsBefore() {
        assertThat(OfferRules.changeRefusal("pg", "postgres-database", null, "rival", false)).isEmpty();
        assertThat(OfferRules.changeRefusal("pg", "postgres-database", "db-team", null, false)).isEmpty();
        assertThat(OfferRules.changeRefusal("pg", "postgres-database", "db-team", null, true)).isEmpty();
    }

    @Test
    void anApprovalGrantsItsCapabilitiesOrEveryOneWithTheWildcard() {
        assertThat(OfferRules.approves(approval("postgres-database"), "postgres-database")).isTrue();
        assertThat(OfferRules.approves(approval("mysql-database"), "postgres-database")).isFalse();
        assertThat(OfferRules.approves(approval(OfferRules.ANY_CAPABILITY), "postgres-database")).isTrue();
        assertThat(OfferRules.approves(null, "postgres-database")).as("never approved, or revoked").isFalse();
    }

    @Test
    void theOfferRefusalNamesTheMissingApproval() {
        assertThat(OfferRules.refusal(offer("postgres-database"), null))
                .contains("producer db-team is not approved: an administrator must approve it first");
        assertThat(OfferRules.refusal(offer("postgres-database"), approval("mysql-database")))
                .contains("producer db-team is not approved for capability postgres-database (approved for [mysql-database])");
        assertThat(OfferRules.refusal(offer("postgres-database"), approval("postgres-database"))).isEmpty();
    }

    private static ProducerApproval approval(String... capabilities) {
        return new ProducerApproval("db-team", List.of(capabilities), "admin", NOW);
    }

    private static CapabilityOffer offer(String capability) {
        return CapabilityOffer.newBuilder().setOfferId("pg").setProducerId("db-team").setCapability(capability)
                .setCapabilityVersion(1).setParameterSchema("{}").setOutputSchema("{}").setAttributes(Map.of())
                .setLeadTimeSloMs(60_000).setCapacity(1).setStatus(OfferStatus.ACTIVE).setUpdatedAt(NOW).build();
    }
}
