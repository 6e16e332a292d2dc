package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.gateway.RetryLaterException;
import io.capmarket.gateway.TooManyRequestsException;
import org.junit.jupiter.api.Test;

class OpenSlotsTest {

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Principal alice = new Principal("alpha", Principal.Role.CONSUMER, "alice", false);
    private final Principal bob = new Principal("beta", Principal.Role.CONSUMER, "bob", false);
    private final Principal carol = new Principal("gamma", Principal.Role.CONSUMER, "carol", false);

    @Test
    void aTeamAtItsBoundGets429AndAnInstanceAtItsBound503UntilASlotIsGivenBack() {
        OpenSlots slots = new OpenSlots("long-polls", 2, 3, metrics);
        OpenSlots.Slot first = slots.open(alice);
        slots.open(alice);

        assertThatThrownBy(() -> slots.open(alice)).isInstanceOf(TooManyRequestsException.class)
                .hasMessageContaining("team alpha holds 2 long-polls open");
        slots.open(bob);
        assertThatThrownBy(() -> slots.open(carol)).isInstanceOf(RetryLaterException.class)
                .hasMessageContaining("this instance holds 3 long-polls open");

        first.close();
        first.close();
        assertThat(slots.open()).as("a slot is given back once").isEqualTo(2);
        slots.open(carol);
        assertThat(metrics.registry().scrape()).contains("capmarket_gateway_limit_refusals_total{limit=\"long-polls-per-team\"} 1.0")
                .contains("capmarket_gateway_limit_refusals_total{limit=\"long-polls-per-instance\"} 1.0");
    }
}
