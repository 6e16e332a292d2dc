package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capmarket.schemas.ApprovalPolicy;
import io.capmarket.schemas.ApprovalPolicySetting;
import io.capmarket.schemas.ContractOwnerSetting;
import io.capmarket.schemas.CancelRequest;
import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.Priority;
import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.ProducerHeartbeat;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.Requester;
import io.capmarket.schemas.RequesterKind;
import io.capmarket.schemas.SubmitRequest;
import io.capmarket.schemas.TeamQuota;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.TopicSpec;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.schemas.topology.CancelCommand;
import io.capmarket.schemas.topology.DecisionCommand;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.schemas.topology.UpdateCommand;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import io.capmarket.topology.TopologySettings;
import io.capmarket.topology.core.Lifecycle;
import io.capmarket.topology.replay.Recorded;
import io.capmarket.topology.replay.RecordedLog;
import io.capmarket.topology.replay.RecordingMarket;
import io.capmarket.topology.replay.Replay;
import io.capmarket.topology.replay.ReplayReport;
import io.capmarket.topology.replay.WhatIf;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A day of the marketplace, recorded by the desk itself ({@link RecordingMarket}), written to a real
 * broker and registry with its records' own timestamps, reads back as the log it was: the state
 * before the day folded, hostile records skipped and counted, records after the day left out. The
 * log read replays as the market decided it, and without its fast offer shifts the work to the
 * slow one.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class ReplayLogIT {

    private static final String PG = "postgres-database";
    /** A producer and capabilities the day's requests never touch: state before the day, and a move in it. */
    private static final String BLOB = "blob-team";
    private static final String STORAGE = "object-storage";
    private static final String ARCHIVE = "object-archive";
    private static final String TEAM = "payments";
    private static final Requester ALICE = new Requester(RequesterKind.HUMAN, "alice");
    private static final TopologySettings SETTINGS = RecordingMarket.TWO_OFFER_DAY_SETTINGS;

    private static TopologyConfig config;
    private static Instant from;
    private static Instant to;
    private static RecordedLog day;
    private static List<Recorded> expectedBefore;
    private static List<Recorded> expectedWindow;

    @BeforeAll
    static void writeTheDay(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        String id = "replay-" + UUID.randomUUID().toString().substring(0, 8);
        config = TopologyConfig.of(Map.of(TopologyConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                TopologyConfig.SCHEMA_REGISTRY_URL, registry.url(), TopologyConfig.TOPICS_PREFIX, id + ".",
                TopologyConfig.TOPICS_PARTITIONS, "2"));
        from = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
        to = from.plus(Duration.ofDays(1));
        day = RecordingMarket.twoOfferDay(SETTINGS, from);
        Day market = Day.of(day);

        expectedBefore = new ArrayList<>(foldedBefore(day.facts()));
        expectedWindow = new ArrayList<>(day.facts().stream().filter(f -> !f.at().isBefore(from)).toList());
        try (LogWriter log = new LogWriter(config, config.topics())) {
            log.provision(market.producers(), market.teams());
            expectedBefore.addAll(stateBefore(log));
            day.facts().forEach(log::write);
            expectedWindow.addAll(movedOffer(log, from.plus(Duration.ofHours(12))));
            hostile(log, market);
            afterTheDay(log);
        }
    }

    @Test
    void theDayReadsBackAsItWasRecorded() {
        RecordedLogReader.Read read = RecordedLogReader.read(config.clientConfig(), config.topics(), from, to, Duration.ofSeconds(60));

        System.out.println("read " + read.log().facts().size() + " facts of " + from + " to " + to + ", skipped " + read.skipped());
        assertThat(read.log().from()).isEqualTo(from);
        assertThat(read.log().to()).isEqualTo(to);
        assertThat(canonical(read.log().facts().stream().filter(f -> f.at().isBefore(from)).toList()))
                .containsExactlyElementsOf(canonical(expectedBefore));
        assertThat(canonical(read.log().facts().stream().filter(f -> !f.at().isBefore(from)).toList()))
                .containsExactlyElementsOf(canonical(expectedWindow));
        assertThat(read.skipped()).containsExactlyInAnyOrderEntriesOf(Map.of(
                RecordedLogReader.OFFER_OF_ANOTHER_PRODUCER, 1,
                RecordedLogReader.REPORT_OF_ANOTHER_PRODUCER, 1,
                RecordedLogReader.SUBMIT_FOR_ANOTHER_TEAM, 1,
                RecordedLogReader.COMMAND_OUTSIDE_WINDOW, 1));
    }

    @Test
    void theDayReadReplaysAsDecidedAndWithoutItsFastOfferTheSlowOneTakesAllTheWork() {
        RecordedLog read = RecordedLogReader.read(config.clientConfig(), config.topics(), from, to, Duration.ofSeconds(60)).log();

        ReplayReport unchanged = Replay.run(read, SETTINGS, WhatIf.NONE);
        System.out.println(unchanged.render());
        assertThat(unchanged.decisions().requests()).isEqualTo(280);
        assertThat(unchanged.decisions().same()).as(unchanged.render()).isEqualTo(unchanged.decisions().requests());
        assertThat(unchanged.overall().simulated()).isEqualTo(unchanged.overall().recorded());
        assertThat(figures(unchanged, PG)).isEqualTo(figures(Replay.run(day, SETTINGS, WhatIf.NONE), PG));

        ReplayReport withoutFast = Replay.run(read, SETTINGS, new WhatIf(Map.of(), Set.of("pg-fast"), List.of(), Map.of()));
        System.out.println(withoutFast.render());
        assertThat(use(withoutFast, "pg-fast").recordedMatches()).isPositive();
        assertThat(use(withoutFast, "pg-fast").simulatedMatches()).isZero();
        ReplayReport.Side simulated = withoutFast.overall().simulated();
        assertThat(use(withoutFast, "pg-slow").simulatedMatches())
                .isEqualTo(withoutFast.offers().stream().mapToInt(ReplayReport.OfferUse::simulatedMatches).sum())
                .isGreaterThanOrEqualTo(simulated.fulfilled() + simulated.failed());
        assertThat(simulated.leadTimeP50().orElseThrow())
                .isGreaterThan(withoutFast.overall().recorded().leadTimeP50().orElseThrow());
    }

    @Test
    void aWindowHoldingMoreFactsThanTheBoundIsRefused() {
        assertThatThrownBy(() -> RecordedLogReader.read(config.clientConfig(), config.topics(), from, to, Duration.ofSeconds(60), 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds more than 5 facts")
                .hasMessageContaining("--from/--to");
    }

    private static ReplayReport.Figures figures(ReplayReport report, String capability) {
        return report.capabilities().stream().filter(f -> f.scope().equals(capability)).findFirst().orElseThrow();
    }

    private static ReplayReport.OfferUse use(ReplayReport report, String offerId) {
        return report.offers().stream().filter(u -> u.offerId().equals(offerId)).findFirst().orElseThrow();
    }

    /**
     * The state the facts before the day leave, as a read gives it: each producer's approvals and
     * offers, and only the last heartbeat of each of its processes.
     */
    private static List<Recorded> foldedBefore(List<Recorded> facts) {
        Map<String, Recorded> lastBeat = new HashMap<>();
        List<Recorded> before = facts.stream().filter(f -> f.at().isBefore(from)).toList();
        before.forEach(f -> {
            if (f instanceof Recorded.Heartbeat beat) {
                lastBeat.put(process(beat), beat);
            }
        });
        assertThat(before).allSatisfy(f -> assertThat(f).isInstanceOfAny(Recorded.Approval.class, Recorded.OfferChanged.class,
                Recorded.Heartbeat.class));
        return before.stream().filter(f -> !(f instanceof Recorded.Heartbeat beat) || lastBeat.get(process(beat)) == f).toList();
    }

    private static String process(Recorded.Heartbeat beat) {
        return beat.producerId() + "/" + beat.heartbeat().getInstanceId();
    }

    // ---- what is written besides the day

    /**
     * Approvals, offers, heartbeats, a quota, policies and contract handovers recorded before the day, some changed or
     * removed again before it; returns the state the day starts from, as the reader gives it.
     */
    private static List<Recorded> stateBefore(LogWriter log) {
        Topics topics = log.topics;
        ProducerApproval blob = new ProducerApproval(BLOB, List.of(STORAGE, ARCHIVE), "it-admin", from.minus(Duration.ofHours(6)));
        log.send(topics.producers(), blob.getAt(), BLOB, blob);
        log.send(topics.producers(), from.minus(Duration.ofHours(5)), "gone-team",
                new ProducerApproval("gone-team", List.of(STORAGE), "it-admin", from.minus(Duration.ofHours(5))));
        log.send(topics.producers(), from.minus(Duration.ofHours(4)), "gone-team", null);

        ApprovalPolicy policy = new ApprovalPolicy(Map.of("tier", List.of("gold")), List.of("storage-leads"), null);
        log.send(topics.approvalPolicies(), from.minus(Duration.ofHours(4)), Topics.versionKey(STORAGE, 1),
                new ApprovalPolicySetting(STORAGE, 1, policy, "it-admin", from.minus(Duration.ofHours(4))));
        log.send(topics.approvalPolicies(), from.minus(Duration.ofHours(4)), Topics.versionKey(STORAGE, 2),
                new ApprovalPolicySetting(STORAGE, 2, policy, "it-admin", from.minus(Duration.ofHours(4))));
        log.send(topics.approvalPolicies(), from.minus(Duration.ofHours(3)), Topics.versionKey(STORAGE, 2), null);
        log.send(topics.contractOwners(), from.minus(Duration.ofHours(4)), Topics.versionKey(STORAGE, 1),
                new ContractOwnerSetting(STORAGE, 1, BLOB, "the storage contract moved", "it-admin", from.minus(Duration.ofHours(4))));
        log.send(topics.contractOwners(), from.minus(Duration.ofHours(4)), Topics.versionKey(STORAGE, 2),
                new ContractOwnerSetting(STORAGE, 2, BLOB, null, "it-admin", from.minus(Duration.ofHours(4))));
        log.send(topics.contractOwners(), from.minus(Duration.ofHours(3)), Topics.versionKey(STORAGE, 2), null);
        log.send(topics.quotas(), from.minus(Duration.ofHours(4)), Topics.quotaKey(TEAM, STORAGE),
                new TeamQuota(TEAM, STORAGE, 3, null, "it-admin", from.minus(Duration.ofHours(4))));
        log.send(topics.quotas(), from.minus(Duration.ofHours(3)), Topics.quotaKey(TEAM, STORAGE), null);

        log.send(topics.offers(BLOB), from.minus(Duration.ofHours(3)), "blob-s3",
                storageOffer("blob-s3", STORAGE, 2, from.minus(Duration.ofHours(3))));
        CapabilityOffer s3 = storageOffer("blob-s3", STORAGE, 4, from.minus(Duration.ofHours(2)));
        log.send(topics.offers(BLOB), s3.getUpdatedAt(), "blob-s3", s3);
        log.send(topics.offers(BLOB), from.minus(Duration.ofHours(3)), "blob-tmp",
                storageOffer("blob-tmp", STORAGE, 1, from.minus(Duration.ofHours(3))));
        log.send(topics.offers(BLOB), from.minus(Duration.ofMinutes(150)), "blob-tmp", null);

        log.send(topics.liveness(), from.minus(Duration.ofMinutes(90)), BLOB,
                new ProducerHeartbeat(BLOB, "blob-1", from.minus(Duration.ofMinutes(90)), 0, true));
        // a second process of the producer: the engine folds each process's latest heartbeat, and so does the read
        ProducerHeartbeat other = new ProducerHeartbeat(BLOB, "blob-2", from.minus(Duration.ofMinutes(60)), 0, true);
        log.send(topics.liveness(), other.getAt(), BLOB, other);
        ProducerHeartbeat last = new ProducerHeartbeat(BLOB, "blob-1", from.minus(Duration.ofMinutes(30)), 1, true);
        log.send(topics.liveness(), last.getAt(), BLOB, last);

        SubmitRequest early = submit("early-1", STORAGE, "search", from.minus(Duration.ofHours(1)));
        log.send(topics.requests(), early.getSubmittedAt(), early.getRequestId(), new RequestCommand(early));
        log.send(topics.requestStatus(), early.getSubmittedAt(), early.getRequestId(), Lifecycle.submitted(early, early.getSubmittedAt()));

        return List.of(new Recorded.Approval(blob.getAt(), BLOB, blob),
                new Recorded.Policy(from.minus(Duration.ofHours(4)), STORAGE, 1, policy),
                new Recorded.Handover(from.minus(Duration.ofHours(4)), STORAGE, 1, BLOB),
                new Recorded.OfferChanged(s3.getUpdatedAt(), STORAGE, new OfferChange("blob-s3", s3, BLOB)),
                new Recorded.Heartbeat(other.getAt(), BLOB, other),
                new Recorded.Heartbeat(last.getAt(), BLOB, last));
    }

    /** The storage offer moved to the archive capability in one record: withdrawn from the one, offered on the other. */
    private static List<Recorded> movedOffer(LogWriter log, Instant at) {
        CapabilityOffer moved = storageOffer("blob-s3", ARCHIVE, 4, at);
        log.send(log.topics.offers(BLOB), at, "blob-s3", moved);
        return List.of(new Recorded.OfferChanged(at, STORAGE, new OfferChange("blob-s3", null, BLOB)),
                new Recorded.OfferChanged(at, ARCHIVE, new OfferChange("blob-s3", moved, BLOB)));
    }

    /**
     * Records the topology refuses: an offer on one producer's topic claiming another's offer, a
     * report on the wrong producer's topic, a submit on a team's topic for another team, and a cancel
     * of a request submitted before the day.
     */
    private static void hostile(LogWriter log, Day market) {
        Topics topics = log.topics;
        Recorded.OfferChanged victim = market.firstOffer();
        String thief = market.producers().stream().filter(p -> !p.equals(victim.change().getProducerId())).findFirst().orElseThrow();
        CapabilityOffer claimed = CapabilityOffer.newBuilder(victim.change().getOffer()).setCapacity(500).build();
        Instant at = from.plus(Duration.ofHours(2));
        log.send(topics.offers(thief), at, claimed.getOfferId(), claimed);

        FulfilmentEvent report = market.firstReport();
        log.send(topics.fulfilment(thief.equals(report.getProducerId()) ? victim.change().getProducerId() : thief),
                report.getAt().plusMillis(1), report.getRequestId(),
                FulfilmentEvent.newBuilder(report).setKind(FulfilmentKind.FAILED).build());

        SubmitRequest foreign = submit(TEAM + ".hostile-1", market.capability(), "search", from.plus(Duration.ofHours(3)));
        log.send(topics.teamRequests(TEAM), foreign.getSubmittedAt(), foreign.getRequestId(), new RequestCommand(foreign));

        Instant cancelled = from.plus(Duration.ofHours(13));
        log.send(topics.requests(), cancelled, "early-1", new RequestCommand(new CancelRequest("early-1", ALICE, cancelled, "too late")));
    }

    /** Records after the day's end, which a read of the day leaves out. */
    private static void afterTheDay(LogWriter log) {
        Topics topics = log.topics;
        Instant at = to.plusSeconds(1);
        SubmitRequest late = submit("late-1", STORAGE, TEAM, at);
        log.send(topics.requests(), at, late.getRequestId(), new RequestCommand(late));
        log.send(topics.liveness(), at, BLOB, new ProducerHeartbeat(BLOB, "blob-1", at, 0, true));
        log.send(topics.offers(BLOB), at, "blob-s3", null);
    }

    private static CapabilityOffer storageOffer(String offerId, String capability, int capacity, Instant at) {
        return CapabilityOffer.newBuilder().setOfferId(offerId).setProducerId(BLOB).setCapability(capability).setCapabilityVersion(1)
                .setParameterSchema("{}").setOutputSchema("{}").setAttributes(Map.of("region", "eu-west", "tier", "gold"))
                .setLeadTimeSloMs(600_000).setCapacity(capacity).setStatus(OfferStatus.ACTIVE).setUpdatedAt(at).build();
    }

    private static SubmitRequest submit(String requestId, String capability, String team, Instant at) {
        return SubmitRequest.newBuilder().setRequestId(requestId).setConsumerTeam(team).setRequestedBy(ALICE)
                .setCapability(capability).setCapabilityVersion(1).setParameters("{}").setConstraints(Map.of())
                .setPreferences(Map.of()).setPriority(Priority.NORMAL).setSubmittedAt(at).build();
    }

    // ---- comparing

    /** One line per fact, its time first, Avro values with their maps' keys sorted; ordered by time, then by line. */
    private static List<String> canonical(List<Recorded> facts) {
        return facts.stream().map(fact -> Map.entry(fact.at(), canonical(fact)))
                .sorted(Map.Entry.<Instant, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()))
                .map(Map.Entry::getValue).toList();
    }

    private static String canonical(Recorded fact) {
        StringBuilder line = new StringBuilder().append(fact.at()).append(' ').append(fact.getClass().getSimpleName());
        for (RecordComponent component : fact.getClass().getRecordComponents()) {
            if (!component.getName().equals("at")) {
                try {
                    line.append(' ').append(component.getName()).append('=').append(canonicalValue(component.getAccessor().invoke(fact)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return line.toString();
    }

    private static String canonicalValue(Object value) {
        if (value instanceof SpecificRecord record) {
            return record.getSchema().getName() + record.getSchema().getFields().stream()
                    .map(field -> field.name() + "=" + canonicalValue(record.get(field.pos()))).collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, String> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), canonicalValue(v)));
            return sorted.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ReplayLogIT::canonicalValue).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    // ---- the day's shape and writing it

    /** What the writer and the hostile records need to know of a day. */
    private record Day(Set<String> producers, Set<String> teams, String capability, Recorded.OfferChanged firstOffer,
            FulfilmentEvent firstReport) {

        static Day of(RecordedLog log) {
            Set<String> producers = new LinkedHashSet<>();
            Set<String> teams = new LinkedHashSet<>();
            Recorded.OfferChanged firstOffer = null;
            FulfilmentEvent firstReport = null;
            for (Recorded fact : log.facts()) {
                if (fact instanceof Recorded.OfferChanged offer) {
                    producers.add(offer.change().getProducerId());
                    if (firstOffer == null && offer.change().getOffer() != null) {
                        firstOffer = offer;
                    }
                } else if (fact instanceof Recorded.Heartbeat heartbeat) {
                    producers.add(heartbeat.producerId());
                } else if (fact instanceof Recorded.Approval approval) {
                    producers.add(approval.producerId());
                } else if (fact instanceof Recorded.Command command && command.event() instanceof FulfilmentEvent report) {
                    producers.add(report.getProducerId());
                    firstReport = firstReport == null ? report : firstReport;
                } else if (fact instanceof Recorded.Command command && command.event() instanceof SubmitRequest submit) {
                    teams.add(submit.getConsumerTeam());
                }
            }
            teams.add(TEAM);
            return new Day(producers, teams, firstOffer.capability(), firstOffer, firstReport);
        }
    }

    /**
     * Writes facts to the topics they were read from, at their own time: offers to their producer's
     * offers topic, heartbeats to the liveness topic, submits to the gateway's requests topic (to the
     * team's own topic when the requestId starts with the team's name), a cancel or update where its
     * request was submitted, reports to their producer's fulfilment topic, outcomes to request-status.
     */
    private static final class LogWriter implements AutoCloseable {

        private final TopologyConfig config;
        private final Topics topics;
        private final KafkaProducer<String, byte[]> producer;
        private final Map<String, Topic<String, RequestCommand>> submittedOn = new HashMap<>();

        LogWriter(TopologyConfig config, Topics topics) {
            this.config = config;
            this.topics = topics;
            Map<String, Object> settings = new HashMap<>(config.clientConfig());
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            this.producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        }

        void provision(Set<String> producers, Set<String> teams) {
            List<TopicSpec> specs = new ArrayList<>(topics.sharedSpecs());
            producers.forEach(p -> topics.producerTopics(p).forEach(t -> specs.add(t.spec())));
            topics.producerTopics(BLOB).forEach(t -> specs.add(t.spec()));
            teams.forEach(team -> specs.add(topics.teamRequests(team).spec()));
            try (Admin admin = Admin.create(config.clientConfig())) {
                new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(specs);
            }
        }

        void write(Recorded fact) {
            Instant at = fact.at();
            if (fact instanceof Recorded.OfferChanged offer) {
                OfferChange change = offer.change();
                send(topics.offers(change.getProducerId()), at, change.getOfferId(), change.getOffer());
            } else if (fact instanceof Recorded.Heartbeat heartbeat) {
                send(topics.liveness(), at, heartbeat.producerId(), heartbeat.heartbeat());
            } else if (fact instanceof Recorded.Approval approval) {
                send(topics.producers(), at, approval.producerId(), approval.approval());
            } else if (fact instanceof Recorded.Policy policy) {
                send(topics.approvalPolicies(), at, Topics.versionKey(policy.capability(), policy.version()),
                        policy.policy() == null ? null
                                : new ApprovalPolicySetting(policy.capability(), policy.version(), policy.policy(), "it-admin", at));
            } else if (fact instanceof Recorded.Handover handover) {
                send(topics.contractOwners(), at, Topics.versionKey(handover.capability(), handover.version()),
                        handover.producerId() == null ? null : new ContractOwnerSetting(handover.capability(), handover.version(),
                                handover.producerId(), null, "it-admin", at));
            } else if (fact instanceof Recorded.Quota quota) {
                send(topics.quotas(), at, Topics.quotaKey(quota.team(), quota.capability()), quota.quota());
            } else if (fact instanceof Recorded.Outcome outcome) {
                send(topics.requestStatus(), at, outcome.status().getRequestId(), outcome.status());
            } else if (fact instanceof Recorded.Command command) {
                command(at, command.event());
            }
        }

        private void command(Instant at, SpecificRecord event) {
            if (event instanceof SubmitRequest submit) {
                Topic<String, RequestCommand> topic = submit.getRequestId().startsWith(submit.getConsumerTeam() + ".")
                        ? topics.teamRequests(submit.getConsumerTeam()) : topics.requests();
                submittedOn.put(submit.getRequestId(), topic);
                send(topic, at, submit.getRequestId(), new RequestCommand(submit));
            } else if (event instanceof CancelCommand cancel) {
                send(submittedOn.getOrDefault(cancel.getRequestId(), topics.requests()), at, cancel.getRequestId(), new RequestCommand(
                        new CancelRequest(cancel.getRequestId(), cancel.getRequestedBy(), cancel.getAt(), cancel.getReason())));
            } else if (event instanceof UpdateCommand update) {
                String requestId = update.getUpdate().getRequestId();
                send(submittedOn.getOrDefault(requestId, topics.requests()), at, requestId, new RequestCommand(update.getUpdate()));
            } else if (event instanceof DecisionCommand decision) {
                send(topics.requests(), at, decision.getDecision().getRequestId(), new RequestCommand(decision.getDecision()));
            } else if (event instanceof FulfilmentEvent report) {
                send(topics.fulfilment(report.getProducerId()), at, report.getRequestId(), report);
            }
        }

        <V> void send(Topic<String, V> topic, Instant at, String key, V value) {
            byte[] bytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
            producer.send(new ProducerRecord<>(topic.name(), null, at.toEpochMilli(), key, bytes));
        }

        @Override
        public void close() {
            producer.flush();
            producer.close();
        }
    }
}
