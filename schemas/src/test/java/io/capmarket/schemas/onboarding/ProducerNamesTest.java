package io.capmarket.schemas.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProducerNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"db-team", "ci", "team_7", "NetOps", "a"})
    void acceptsOneTopicNameSegment(String id) {
        assertThat(ProducerNames.requireProducerId(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "db team", "db/team", "ü-team", ".", "..", "Net.Ops", "db.x"})
    void refusesIdsThatAreNotOneTopicNameSegment(String id) {
        assertThatThrownBy(() -> ProducerNames.requireProducerId(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("producerId must be 1 to 200 characters of a-z, A-Z, 0-9, '_' and '-' (no '.': it is one "
                        + "segment of a topic name; kebab-case like db-team recommended), but was '" + id + "'");
    }

    @Test
    void teamsFollowTheSameRule() {
        assertThat(ProducerNames.requireTeam("demo-app")).isEqualTo("demo-app");
        assertThatThrownBy(() -> ProducerNames.requireTeam("demo.app"))
                .hasMessageStartingWith("team must be 1 to 200 characters").hasMessageContaining("but was 'demo.app'");
    }

    @Test
    void refusesNullAndOverlongIds() {
        assertThatThrownBy(() -> ProducerNames.requireProducerId(null)).hasMessageContaining("but was 'null'");
        assertThatThrownBy(() -> ProducerNames.requireProducerId("a".repeat(201))).hasMessageContaining("1 to 200");
        assertThat(ProducerNames.producerIdProblem("ok-team")).isEmpty();
        assertThat(ProducerNames.producerIdProblem("not ok")).hasValueSatisfying(p -> assertThat(p).contains("'not ok'"));
    }

    @Test
    void kebabCaseIsRecognised() {
        assertThat(ProducerNames.isKebabCase("db-team")).isTrue();
        assertThat(ProducerNames.isKebabCase("team2")).isTrue();
        assertThat(ProducerNames.isKebabCase("Db-team")).isFalse();
        assertThat(ProducerNames.isKebabCase("db_team")).isFalse();
        assertThat(ProducerNames.isKebabCase("db--team")).isFalse();
        assertThat(ProducerNames.isKebabCase("-db")).isFalse();
    }

    @Test
    void capabilitiesAreKebabCaseOrAStarAloneAndDeduplicated() {
        assertThat(ProducerNames.requireCapabilities(List.of("postgres-database", "kafka-topic", "postgres-database")))
                .containsExactly("postgres-database", "kafka-topic");
        assertThat(ProducerNames.requireCapabilities(List.of("*"))).containsExactly("*");
        assertThatThrownBy(() -> ProducerNames.requireCapabilities(List.of("Postgres")))
                .hasMessage("capability must be a kebab-case name like postgres-database, or '*', but was 'Postgres'");
        assertThatThrownBy(() -> ProducerNames.requireCapabilities(List.of("*", "kafka-topic")))
                .hasMessage("capabilities must be '*' alone or a list of names, but was [*, kafka-topic]");
        assertThatThrownBy(() -> ProducerNames.requireCapabilities(List.of()))
                .hasMessageStartingWith("capabilities must name at least one capability");
    }
}
