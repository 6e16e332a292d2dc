package io.capmarket.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.sdk.ProducerNotOnboardedException;
import io.capmarket.sdk.internal.OwnTopics.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnTopicsTest {

    private static final String OFFERS = "capmarket.producer.db-team.offers";
    private static final String HEARTBEATS = "capmarket.producer.db-team.heartbeats";
    private static final String FULFILMENT = "capmarket.producer.db-team.fulfilment";
    private static final String ASSIGNMENTS = "capmarket.producer.db-team.assignments";
    private static final List<String> ALL = List.of(OFFERS, HEARTBEATS, FULFILMENT, ASSIGNMENTS);

    private final Map<String, State> cluster = new LinkedHashMap<>();
    private final List<List<String>> described = new ArrayList<>();
    private final OwnTopics topics = new OwnTopics("db-team", ALL, names -> {
        described.add(List.copyOf(names));
        Map<String, State> states = new LinkedHashMap<>();
        names.forEach(name -> states.put(name, cluster.getOrDefault(name, State.MISSING)));
        return states;
    });

    @Test
    void anExistingTopicIsDescribedOnceWithTheProducersOtherTopicsAndNeverAgain() {
        ALL.forEach(name -> cluster.put(name, State.EXISTS));

        topics.require(OFFERS);
        topics.require(OFFERS);
        topics.require(ASSIGNMENTS);

        assertThat(described).containsExactly(ALL);
    }

    @Test
    void aProducerThatWasNotOnboardedIsToldToBeAndIsCheckedAgainAtTheNextUse() {
        assertThatThrownBy(() -> topics.require(OFFERS))
                .isInstanceOf(ProducerNotOnboardedException.class)
                .hasMessage("producer db-team is not onboarded: its topics " + ASSIGNMENTS + ", " + FULFILMENT + ", " + HEARTBEATS
                        + ", " + OFFERS + " do not exist, and the SDK never creates topics. An administrator onboards the producer "
                        + "first, which creates its topics, ACLs and credentials: ./capmarket producer onboard --producer-id db-team "
                        + "--capabilities <capability>[,<capability>...]")
                .satisfies(e -> {
                    ProducerNotOnboardedException refused = (ProducerNotOnboardedException) e;
                    assertThat(refused.producerId()).isEqualTo("db-team");
                    assertThat(refused.topics()).containsExactlyInAnyOrderElementsOf(ALL);
                    assertThat(refused.retryable()).isFalse();
                });

        ALL.forEach(name -> cluster.put(name, State.EXISTS));
        topics.require(OFFERS);

        assertThat(described).hasSize(2);
    }

    @Test
    void topicsTheCredentialsMayNotDescribeAreNamedWithWhatToDo() {
        cluster.put(OFFERS, State.EXISTS);
        cluster.put(ASSIGNMENTS, State.NOT_AUTHORIZED);

        topics.require(OFFERS);
        assertThatThrownBy(() -> topics.require(ASSIGNMENTS))
                .isInstanceOf(ProducerNotOnboardedException.class)
                .hasMessageStartingWith("this client may not use producer db-team's topics (not authorized: " + ASSIGNMENTS
                        + "): connect with the credentials of db-team itself, or have an administrator onboard it");
    }

    @Test
    void aWriteTheBrokerRefusedNamesTheTopic() {
        ProducerNotOnboardedException refused = topics.refused(FULFILMENT, new IllegalStateException("denied"));

        assertThat(refused.topics()).containsExactly(FULFILMENT);
        assertThat(refused).hasMessageContaining("not authorized: " + FULFILMENT).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void onlyTheProducersOwnTopicsAreChecked() {
        assertThatThrownBy(() -> topics.require("capmarket.producer.other-team.offers"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("capmarket.producer.other-team.offers is not one of producer db-team's topics");
        assertThat(described).isEmpty();
    }
}
