package io.capmarket.schemas.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.Priority;
import org.junit.jupiter.api.Test;

class PriorityGrantsTest {

    @Test
    void aboveNormalOnlyWhereGrantedAndCriticalIncludesHigh() {
        PriorityGrants grants = PriorityGrants.parse("HIGH=checkout, search; CRITICAL=platform");

        assertThat(grants.allows("anyone", Priority.NORMAL)).isTrue();
        assertThat(grants.allows("anyone", Priority.LOW)).isTrue();
        assertThat(grants.allows("anyone", Priority.HIGH)).isFalse();
        assertThat(grants.allows("search", Priority.HIGH)).isTrue();
        assertThat(grants.allows("search", Priority.CRITICAL)).isFalse();
        assertThat(grants.allows("platform", Priority.CRITICAL)).isTrue();
        assertThat(grants.allows("platform", Priority.HIGH)).isTrue();
    }

    @Test
    void noGrantsMeansNormalAtMostAndAStarGrantsEveryTeam() {
        assertThat(PriorityGrants.parse("").allows("checkout", Priority.HIGH)).isFalse();
        assertThat(PriorityGrants.NONE.allows("checkout", Priority.NORMAL)).isTrue();
        assertThat(PriorityGrants.parse("HIGH=*").allows("checkout", Priority.HIGH)).isTrue();
        assertThat(PriorityGrants.parse("HIGH=*").allows("checkout", Priority.CRITICAL)).isFalse();
    }

    @Test
    void malformedGrantsAreRefusedNamingTheEntry() {
        assertThatThrownBy(() -> PriorityGrants.parse("URGENT=checkout")).hasMessageContaining("the priority was 'URGENT'");
        assertThatThrownBy(() -> PriorityGrants.parse("NORMAL=checkout")).hasMessageContaining("NORMAL is every team's already");
        assertThatThrownBy(() -> PriorityGrants.parse("checkout")).hasMessageContaining("one was 'checkout'");
        assertThatThrownBy(() -> PriorityGrants.parse("HIGH=a team")).hasMessageContaining("a team was 'a team'");
    }
}
