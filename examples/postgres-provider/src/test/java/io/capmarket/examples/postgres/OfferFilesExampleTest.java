package io.capmarket.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.sdk.Approval;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.sync.OfferFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The offer files in this repository are valid: CI would refuse to sync them otherwise. */
class OfferFilesExampleTest {

    @Test
    void theTeamsOfferFilesAreValid() throws Exception {
        List<Offer> offers = OfferFiles.read(Path.of("offers"));

        assertThat(offers).extracting(Offer::offerId).containsExactly("pg16-eu-west", "pg14-eu-west");
        assertThat(offers.get(0).leadTime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(offers.get(0).updatableParameters()).containsExactly("size");
        assertThat(offers.get(1).updatableParameters()).isEmpty();
        assertThat(offers.get(0).approval()).isEqualTo(Approval.when("size", "large").approvers("role:admin")
                .expiresAfter(Duration.ofDays(2)));
        assertThat(offers.get(1).approval()).isNull();
        assertThat(offers.get(1).status()).isEqualTo(OfferStatus.DEPRECATED);
        // one capability version, one contract: the marketplace takes the latest offer's schemas for the version
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(offers.get(1).parameterSchema())).isEqualTo(json.readTree(offers.get(0).parameterSchema()));
        assertThat(json.readTree(offers.get(1).outputSchema())).isEqualTo(json.readTree(offers.get(0).outputSchema()));
    }
}
