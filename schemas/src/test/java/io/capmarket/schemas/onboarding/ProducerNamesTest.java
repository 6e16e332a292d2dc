package io.capmarket.schemas.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
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
        assertThat(ProducerNames.isKebabCase("db-")).isFalse();
        assertThat(ProducerNames.isKebabCase("")).isFalse();
        assertThat(ProducerNames.isKebabCase(null)).isFalse();
    }

    /** The check reads characters instead of running a regular expression; it must agree with the rule's. */
    @Test
    void kebabCaseAgreesWithItsRegularExpressionOnEveryShortString() {
        Pattern rule = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
        char[] alphabet = {'a', 'z', '0', '9', '-', 'A', '_', '.', ' ', '/', '`', '{'};
        int checked = 0;
        for (int length = 1; length <= 4; length++) {
            for (int n = 0; n < Math.pow(alphabet.length, length); n++) {
                StringBuilder name = new StringBuilder();
                for (int i = 0, rest = n; i < length; i++, rest /= alphabet.length) {
                    name.append(alphabet[rest % alphabet.length]);
                }
                assertThat(ProducerNames.isKebabCase(name.toString())).as(name.toString())
                        .isEqualTo(rule.matcher(name).matches());
                checked++;
            }
        }
        assertThat(checked).isEqualTo(12 + 144 + 1728 + 20736);
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
