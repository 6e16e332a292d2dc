package io.capmarket.sdk.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.OfferStatus;
import io.capmarket.sdk.Approval;
import io.capmarket.sdk.InvalidOfferException;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.internal.OfferCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncPlanTest {

    private static Offer offer(String id, int capacity) {
        return Offer.builder().offerId(id).capability("postgres-database").capacity(capacity).leadTime(Duration.ofMinutes(10))
                .parameterSchema("{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"string\"}}}").build();
    }

    @Test
    void createsUpdatesAndWithdrawalsAreComputedAndRendered() {
        Offer keep = offer("pg-keep", 5);
        Offer changedLive = offer("pg-change", 5);
        Offer changed = changedLive.toBuilder().capacity(8).status(OfferStatus.DEPRECATED)
                .sunsetAt(Instant.parse("2026-06-30T00:00:00Z")).build();
        Map<String, Offer> live = Map.of("pg-keep", keep, "pg-change", changedLive, "pg-gone", offer("pg-gone", 1));

        SyncPlan plan = SyncPlan.compute(List.of(keep, changed, offer("pg-new", 3)), live);

        assertThat(plan.changes()).extracting(SyncPlan.Change::action, SyncPlan.Change::offerId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(SyncPlan.Action.CREATE, "pg-new"),
                org.assertj.core.groups.Tuple.tuple(SyncPlan.Action.UPDATE, "pg-change"),
                org.assertj.core.groups.Tuple.tuple(SyncPlan.Action.WITHDRAW, "pg-gone"));
        assertThat(plan.unchanged()).isEqualTo(1);
        assertThat(plan.upserts()).extracting(Offer::offerId).containsExactly("pg-new", "pg-change");
        assertThat(plan.withdrawals()).containsExactly("pg-gone");
        assertThat(plan.render()).isEqualTo("""
                  + create pg-new (postgres-database v1, capacity 3, lead time 10m, ACTIVE)
                  ~ update pg-change
                      capacity: 5 -> 8
                      status: ACTIVE -> DEPRECATED
                      sunset: (none) -> 2026-06-30T00:00:00Z
                  - withdraw pg-gone (postgres-database v1)

                Plan: 1 to create, 1 to update, 1 to withdraw (1 unchanged).
                """);
    }

    @Test
    void schemasAreComparedAsJsonNotAsText() {
        Offer live = offer("pg", 5);
        Offer reordered = live.toBuilder()
                .parameterSchema("{\"properties\": {\"size\": {\"type\": \"string\"}}, \"type\": \"object\"}").build();

        SyncPlan plan = SyncPlan.compute(List.of(reordered), Map.of("pg", live));

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.render()).isEqualTo("No changes: 1 offer is live as declared.\n");
    }

    @Test
    void aSchemaChangeIsShownWithBothValues() {
        Offer live = offer("pg", 5);
        Offer desired = live.toBuilder().parameterSchema("{\"type\":\"object\"}").description("new").build();

        SyncPlan.Change change = SyncPlan.compute(List.of(desired), Map.of("pg", live)).changes().get(0);

        assertThat(change.fields()).extracting(SyncPlan.FieldChange::field).containsExactly("description", "parameterSchema");
        assertThat(change.fields().get(1).after()).isEqualTo("{\"type\":\"object\"}");
    }

    @Test
    void anUnreadableLiveOfferIsReplacedOrWithdrawn() {
        SyncPlan plan = SyncPlan.compute(List.of(offer("pg", 1)), Map.of(), Map.of("pg", "bad", "old", "bad"));

        assertThat(plan.changes()).extracting(SyncPlan.Change::action).containsExactly(SyncPlan.Action.UPDATE,
                SyncPlan.Action.WITHDRAW);
        assertThat(plan.changes().get(0).fields()).singleElement()
                .isEqualTo(new SyncPlan.FieldChange("(live record)", "unreadable: bad", "replaced"));
    }

    @Test
    void duplicateOfferIdsAreRefused() {
        assertThatThrownBy(() -> SyncPlan.compute(List.of(offer("pg", 1), offer("pg", 2)), Map.of(), Map.of()))
                .isInstanceOf(InvalidOfferException.class)
                .satisfies(e -> assertThat(((InvalidOfferException) e).problems()).containsExactly(
                        "offerId pg is declared more than once"));
    }

    @Test
    void aChangeOfTheUpdatableParametersIsAnUpdate() {
        Offer live = offer("pg", 5);
        Offer updatable = live.toBuilder().updatableParameters(List.of("size")).build();

        SyncPlan plan = SyncPlan.compute(List.of(updatable), Map.of("pg", live));

        assertThat(plan.render()).contains("      updatableParameters: [] -> [size]\n");
    }

    @Test
    void aChangeOfTheApprovalIsAnUpdate() {
        Offer live = offer("pg", 5);
        Offer asking = live.toBuilder().approval(Approval.when("size", "large").approvers("role:admin")).build();

        assertThat(SyncPlan.compute(List.of(asking), Map.of("pg", live)).render())
                .contains("      approval: (none) -> {when: {size: [large]}, approvers: [role:admin]}\n");
        assertThat(SyncPlan.compute(List.of(asking.toBuilder().approval(asking.approval().expiresAfter(Duration.ofDays(1))).build()),
                Map.of("pg", asking)).render())
                .contains("      approval: {when: {size: [large]}, approvers: [role:admin]} -> {when: {size: [large]}, "
                        + "approvers: [role:admin], expiresAfter: 1d}\n");
        assertThat(SyncPlan.compute(List.of(asking), Map.of("pg", OfferCodec.fromAvro(OfferCodec.toAvro(asking, "db-team",
                Instant.EPOCH)))).isEmpty()).as("the same policy read back from the topic is no change").isTrue();
    }
}
