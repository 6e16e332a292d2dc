package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.capmarket.gateway.GatewayException;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.RejectedRequestException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An admin's quota as a PUT body: read into its limits, its shape a 400 and the rule of quotas a 422 naming the member. */
class QuotaBodyTest {

    @Test
    void aBodySetsEitherLimitOrBothAndALimitLeftOutOrNullIsNone() throws Exception {
        assertThat(parse("{\"maxLive\": 5, \"maxInFlight\": 2}")).isEqualTo(new Quotas.Limits(5, 2));
        assertThat(parse("{\"maxLive\": 0}")).as("0: nothing more may be provisioned").isEqualTo(new Quotas.Limits(0, null));
        assertThat(parse("{\"maxLive\": null, \"maxInFlight\": 1}")).isEqualTo(new Quotas.Limits(null, 1));
        assertThat(parse("{\"maxInFlight\": 2147483647}")).isEqualTo(new Quotas.Limits(null, Integer.MAX_VALUE));
    }

    @Test
    void aBodyOfTheWrongShapeIsMalformedNamingEachMember() {
        assertThat(malformed("[5]")).extracting(FieldError::field).containsExactly("body");
        assertThat(malformed("{\"maxLive\": 5, \"max\": 1}")).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("max");
            assertThat(error.rule()).isEqualTo("one of maxLive, maxInFlight");
        });
        assertThat(malformed("{\"maxLive\": \"5\", \"maxInFlight\": 1.5}")).extracting(FieldError::field)
                .containsExactly("maxLive", "maxInFlight");
        assertThat(malformed("{\"maxLive\": 2147483648}")).singleElement().satisfies(error -> {
            assertThat(error.value()).isEqualTo("2147483648");
            assertThat(error.rule()).isEqualTo("an integer from 0 to 2147483647, or null for no limit");
        });
    }

    @Test
    void limitsBreakingTheRuleOfQuotasAreRefusedNamingTheMemberAndTheRule() {
        assertThat(refused("{\"maxLive\": 3, \"maxInFlight\": -1}")).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("maxInFlight");
            assertThat(error.value()).isEqualTo("-1");
            assertThat(error.rule()).isEqualTo("maxInFlight must be 0 or more, but was -1");
        });
        assertThat(refused("{\"maxLive\": -2}")).singleElement().satisfies(error -> assertThat(error.field()).isEqualTo("maxLive"));
        assertThat(refused("{}")).as("no limit at all names both").extracting(FieldError::field).containsExactly("maxLive", "maxInFlight");
        assertThat(refused("{\"maxLive\": null, \"maxInFlight\": null}")).allSatisfy(error ->
                assertThat(error.rule()).isEqualTo("a quota sets maxLive, maxInFlight or both"));
    }

    private static Quotas.Limits parse(String body) throws Exception {
        return QuotaBody.parse(Json.MAPPER.readTree(body));
    }

    private static List<FieldError> malformed(String body) {
        return errors(body, MalformedRequestException.class);
    }

    private static List<FieldError> refused(String body) {
        return errors(body, RejectedRequestException.class);
    }

    private static List<FieldError> errors(String body, Class<? extends GatewayException> type) {
        Throwable thrown = catchThrowable(() -> parse(body));
        assertThat(thrown).as(body).isInstanceOf(type);
        return ((GatewayException) thrown).errors();
    }
}
