package io.capmarket.topology.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.topology.OfferState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfferRecordTest {

    private static final CapabilityOffer OFFER = CapabilityOffer.newBuilder().setOfferId("pg-eu").setProducerId("db")
            .setCapability("postgres-database").setCapabilityVersion(1).setParameterSchema("{}").setOutputSchema("{}")
            .setAttributes(Map.of("region", "eu-west")).setLeadTimeSloMs(60_000).setCapacity(2)
            .setStatus(OfferStatus.ACTIVE).setUpdatedAt(Instant.EPOCH).build();

    @Test
    void loadFollowsAssignmentsAndReleases() {
        OfferState state = OfferRecord.assigned(OfferRecord.assigned(OfferRecord.fresh(OFFER)));
        assertThat(OfferRecord.load(state)).isEqualTo(new OfferLoad(2, null, 0.0));

        OfferState released = OfferRecord.released(state, OfferRecord.Outcome.SUCCESS, 12_000, Instant.EPOCH);

        assertThat(released.getInFlight()).isEqualTo(1);
        assertThat(OfferRecord.load(released).observedP95Ms()).isBetween(11_900L, 12_100L);
        assertThat(OfferRecord.leadTimeP95(state)).as("nothing observed: no sketch decoded").isNull();
        assertThat(OfferRecord.leadTimeP95(OfferRecord.withInFlight(released, 5))).as("the same lead times under another load")
                .isEqualTo(OfferRecord.load(released).observedP95Ms());
        assertThat(OfferRecord.observed(released).getSamples()).isEqualTo(1);
    }

    @Test
    void theFailureRateCoversTheLast64Outcomes() {
        OfferState state = OfferRecord.fresh(OFFER);
        for (int i = 0; i < 100; i++) {
            state = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.FAILURE, 0, Instant.EPOCH);
        }
        for (int i = 0; i < 32; i++) {
            state = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.SUCCESS, 1_000, Instant.EPOCH);
        }

        assertThat(OfferRecord.failureRate(state)).isEqualTo(0.5);
    }

    @Test
    void theFailureRateFadesByHalfPerHalfLifeSinceTheNewestOutcome() {
        Instant failedAt = Instant.parse("2026-12-01T10:00:00Z");
        OfferState state = OfferRecord.released(OfferRecord.assigned(OfferRecord.fresh(OFFER)), OfferRecord.Outcome.FAILURE, 0,
                failedAt.minusSeconds(60));
        state = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.FAILURE, 0, failedAt);
        Duration halfLife = Duration.ofHours(1);

        assertThat(state.getLastOutcomeAt()).isEqualTo(failedAt);
        assertThat(OfferRecord.failureRate(state, failedAt, halfLife)).isEqualTo(1.0);
        assertThat(OfferRecord.failureRate(state, failedAt.plus(halfLife), halfLife)).isEqualTo(0.5);
        assertThat(OfferRecord.failureRate(state, failedAt.plus(halfLife.multipliedBy(3)), halfLife)).isEqualTo(0.125);
        assertThat(OfferRecord.failureRate(state, failedAt.minusSeconds(5), halfLife)).as("a clock behind the outcome: not faded")
                .isEqualTo(1.0);
        OfferState cancelled = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.NEUTRAL, 0, failedAt.plus(halfLife));
        assertThat(cancelled.getLastOutcomeAt()).as("a cancellation is no outcome of the offer").isEqualTo(failedAt);
        OfferState before = OfferState.newBuilder(state).setLastOutcomeAt(null).build();
        assertThat(OfferRecord.failureRate(before, failedAt.plus(halfLife), halfLife)).as("a record kept before outcomes were dated")
                .isEqualTo(1.0);
    }

    @Test
    void cancellationsSayNothingAboutTheOffer() {
        OfferState state = OfferRecord.released(OfferRecord.assigned(OfferRecord.fresh(OFFER)), OfferRecord.Outcome.NEUTRAL, 0, Instant.EPOCH);

        assertThat(state.getOutcomes()).isZero();
        assertThat(state.getInFlight()).isZero();
    }

    @Test
    void releasingNeverGoesBelowZero() {
        assertThat(OfferRecord.released(OfferRecord.fresh(OFFER), OfferRecord.Outcome.FAILURE, 0, Instant.EPOCH).getInFlight()).isZero();
    }

    @Test
    void offerRulesNameWhatIsWrong() {
        ProducerApproval approval = new ProducerApproval("db", List.of("postgres-database"), "admin", Instant.EPOCH);
        ProducerApproval any = new ProducerApproval("db", List.of("*"), "admin", Instant.EPOCH);

        assertThat(OfferRules.refusal(OFFER, approval)).isEmpty();
        assertThat(OfferRules.refusal(CapabilityOffer.newBuilder(OFFER).setCapability("Postgres_DB").build(), any))
                .contains("capability must be kebab-case, but was 'Postgres_DB'");
        assertThat(OfferRules.refusal(CapabilityOffer.newBuilder(OFFER).setCapacity(0).build(), approval))
                .contains("capacity must be greater than 0, but was 0");
        assertThat(OfferRules.refusal(CapabilityOffer.newBuilder(OFFER).setLeadTimeSloMs(0).build(), approval))
                .contains("leadTimeSloMs must be from 1 to 31536000000 (a year), but was 0");
        assertThat(OfferRules.refusal(CapabilityOffer.newBuilder(OFFER).setLeadTimeSloMs(Long.MAX_VALUE).build(), approval))
                .contains("leadTimeSloMs must be from 1 to 31536000000 (a year), but was " + Long.MAX_VALUE);
        assertThat(OfferRules.refusal(CapabilityOffer.newBuilder(OFFER).setMaxTtlMs(Long.MAX_VALUE).build(), approval))
                .contains("maxTtlMs must be from 1 to 315360000000 (3650 days) when given, but was " + Long.MAX_VALUE);
        assertThat(OfferRules.refusal(CapabilityOffer.newBuilder(OFFER).setMaxTtlMs(0L).build(), approval))
                .contains("maxTtlMs must be from 1 to 315360000000 (3650 days) when given, but was 0");
        assertThat(OfferRules.refusal(CapabilityOffer.newBuilder(OFFER).setMaxTtlMs(Duration.ofDays(3650).toMillis()).build(),
                approval)).isEmpty();
        assertThat(OfferRules.refusal(OFFER, null)).get().asString().contains("not approved");
    }
}
