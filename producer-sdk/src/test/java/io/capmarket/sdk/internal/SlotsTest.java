package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlotsTest {

    @Test
    void anOfferNeverRunsMoreThanItsCapacity() {
        Slots slots = new Slots(1);
        slots.capacity("pg", 2);

        assertThat(slots.tryAcquire("pg")).isTrue();
        assertThat(slots.tryAcquire("pg")).isTrue();
        assertThat(slots.tryAcquire("pg")).isFalse();
        slots.release("pg");
        assertThat(slots.tryAcquire("pg")).isTrue();
        assertThat(slots.inFlight()).isEqualTo(2);
    }

    @Test
    void unknownOffersGetTheDefaultCapacity() {
        Slots slots = new Slots(1);

        assertThat(slots.tryAcquire("other")).isTrue();
        assertThat(slots.tryAcquire("other")).isFalse();
        assertThat(slots.known("other")).isFalse();
        assertThat(slots.capacityOf("other")).isEqualTo(1);
    }

    @Test
    void slotsCountedApartShareTheCapacitiesButNotTheCount() {
        Slots slots = new Slots(1);
        Slots apart = slots.countedApart();
        slots.capacity("pg", 1);

        assertThat(slots.tryAcquire("pg")).isTrue();
        assertThat(apart.tryAcquire("pg")).isTrue();
        assertThat(apart.tryAcquire("pg")).isFalse();
        apart.capacity("pg", 2);
        assertThat(slots.capacityOf("pg")).isEqualTo(2);
        assertThat(slots.inFlight()).isEqualTo(1);
        assertThat(apart.inFlight()).isEqualTo(1);
    }
}
