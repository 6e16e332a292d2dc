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

    private static final Duration HALF_LIFE = Duration.ofHours(1);

    private static final CapabilityOffer OFFER = CapabilityOffer.newBuilder().setOfferId("pg-eu").setProducerId("db")
            .setCapability("postgres-database").setCapabilityVersion(1).setParameterSchema("{}").setOutputSchema("{}")
            .setAttributes(Map.of("region", "eu-west")).setLeadTimeSloMs(60_000).setCapacity(2)
            .setStatus(OfferStatus.ACTIVE).setUpdatedAt(Instant.EPOCH).build();

    @Test
    void loadFollowsAssignmentsAndReleases() {
        OfferState state = OfferRecord.assigned(OfferRecord.assigned(OfferRecord.fresh(OFFER)));
        assertThat(OfferRecord.load(state)).isEqualTo(new OfferLoad(2, null, 0.0));

        OfferState released = OfferRecord.released(state, OfferRecord.Outcome.SUCCESS, 12_000, Instant.EPOCH, HALF_LIFE);

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
            state = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.FAILURE, 0, Instant.EPOCH, HALF_LIFE);
        }
        for (int i = 0; i < 32; i++) {
            state = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.SUCCESS, 1_000, Instant.EPOCH, HALF_LIFE);
        }

        assertThat(OfferRecord.failureRate(state)).isEqualTo(0.5);
    }

    @Test
    void theFailureRateFadesByHalfPerHalfLifeSinceTheNewestOutcome() {
        Instant failedAt = Instant.parse("2026-12-01T10:00:00Z");
        OfferState state = OfferRecord.released(OfferRecord.assigned(OfferRecord.fresh(OFFER)), OfferRecord.Outcome.FAILURE, 0,
                failedAt.minusSeconds(60), HALF_LIFE);
        state = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.FAILURE, 0, failedAt, HALF_LIFE);

        assertThat(state.getLastOutcomeAt()).isEqualTo(failedAt);
        assertThat(OfferRecord.failureRate(state, failedAt, HALF_LIFE)).isEqualTo(1.0);
        assertThat(OfferRecord.failureRate(state, failedAt.plus(HALF_LIFE), HALF_LIFE)).isEqualTo(0.5);
        assertThat(OfferRecord.failureRate(state, failedAt.plus(HALF_LIFE.multipliedBy(3)), HALF_LIFE)).isEqualTo(0.125);
        assertThat(OfferRecord.failureRate(state, failedAt.minusSeconds(5), HALF_LIFE)).as("a clock behind the outcome: not faded")
                .isEqualTo(1.0);
        assertThat(OfferRecord.failureRate(state, failedAt.plus(Duration.ofDays(365_000)), Duration.ofDays(999_999_999)))
                .as("a half-life past what milliseconds hold").isBetween(0.99, 1.0);
        OfferState cancelled = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.NEUTRAL, 0, failedAt.plus(HALF_LIFE),
                HALF_LIFE);
        assertThat(cancelled.getLastOutcomeAt()).as("a cancellation is no outcome of the offer").isEqualTo(failedAt);
    }

    @Test
    void anOutcomeAfterAQuietSpellGoesOnFromTheRateFadedTo() {
        Instant failedAt = Instant.parse("2026-12-01T10:00:00Z");
        OfferState state = OfferRecord.fresh(OFFER);
        for (int i = 0; i < 10; i++) {
            state = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.FAILURE, 0, failedAt, HALF_LIFE);
        }
        Instant later = failedAt.plus(HALF_LIFE.multipliedBy(5));
        assertThat(OfferRecord.failureRate(state, later, HALF_LIFE)).isEqualTo(10.0 / 10 / 32);

        OfferState succeeded = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.SUCCESS, 1_000, later, HALF_LIFE);

        assertThat(OfferRecord.failureRate(succeeded, later, HALF_LIFE)).as("10 failures faded to 0.3 of one, then a success")
                .isZero();
        OfferState halfFaded = OfferRecord.released(OfferRecord.assigned(state), OfferRecord.Outcome.SUCCESS, 1_000,
                failedAt.plus(HALF_LIFE), HALF_LIFE);
        assertThat(OfferRecord.failureRate(halfFaded, failedAt.plus(HALF_LIFE), HALF_LIFE)).as("5 of the 10 failures left, then a success")
                .isEqualTo(5.0 / 11);
    }

    @Test
    void aRecordKeptBeforeOutcomesWereDatedIsDatedWhenItsOfferIsPublishedAgain() {
        OfferState undated = OfferState.newBuilder(OfferRecord.released(OfferRecord.assigned(OfferRecord.fresh(OFFER)),
                OfferRecord.Outcome.FAILURE, 0, Instant.EPOCH, HALF_LIFE)).setLastOutcomeAt(null).build();
        Instant restart = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(OfferRecord.failureRate(undated, restart.plus(HALF_LIFE), HALF_LIFE)).as("undated: not faded").isEqualTo(1.0);

        OfferState republished = OfferRecord.republished(undated, OFFER, restart);

        assertThat(republished.getLastOutcomeAt()).isEqualTo(restart);
        assertThat(OfferRecord.failureRate(republished, restart.plus(HALF_LIFE), HALF_LIFE)).isEqualTo(0.5);
        assertThat(OfferRecord.republished(OfferRecord.fresh(OFFER), OFFER, restart).getLastOutcomeAt()).as("no record to date").isNull();
    }

    @Test
    void cancellationsSayNothingAboutTheOffer() {
        OfferState state = OfferRecord.released(OfferRecord.assigned(OfferRecord.fresh(OFFER)), OfferRecord.Outcome.NEUTRAL, 0,
                Instant.EPOCH, HALF_LIFE);

        assertThat(state.getOutcomes()).isZero();
        assertThat(state.getInFlight()).isZero();
    }

    @Test
    void releasingNeverGoesBelowZero() {
        assertThat(OfferRecord.released(OfferRecord.fresh(OFFER), OfferRecord.Outcome.FAILURE, 0, Instant.EPOCH, HALF_LIFE).getInFlight())
                .isZero();
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
