package io.capmarket.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.schemas.FulfilmentEvent;
import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestState;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.registry.SchemaRegistryClient;
import io.capmarket.schemas.serde.AvroSerde;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import io.capmarket.testkit.registry.SchemaRegistryExtension;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A compatible v2 of two input schemas (a field added with a default) published by a new writer,
 * with the project's serializer and registry client, while v1 writers go on publishing to the
 * same topics: the topology, built on the v1 classes, serves both.
 */
@ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
class SchemaEvolutionIT {

    private final KafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    SchemaEvolutionIT(KafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Test
    void v1AndV2WritersShareTheRequestsAndFulfilmentTopics() {
        try (LiveTopology m = new LiveTopology(broker, registry, "evolution",
                Map.of("producers.approved", "db-team=postgres-database"))) {
            m.send(m.topics().heartbeats("db-team"), "it", LiveTopology.heartbeat("db-team"));
            m.send(m.topics().offers("db-team"), "pg", LiveTopology.offer("pg", "db-team", "postgres-database", 5));
            m.awaitCatalogOffer("postgres-database", "pg");
            SchemaRegistryClient client = m.registryClient();
            AvroSerde<GenericRecord> v2Writer = AvroSerde.generic(client);
            v2Writer.configure(Map.of("schema.registry.url", registry.url(), "auto.register.schemas", true), false);
            String requests = m.topics().requests().name();
            String fulfilment = m.topics().fulfilment("db-team").name();

            m.send(m.topics().requests(), "r-v1", LiveTopology.submit("r-v1", "postgres-database"));
            Schema submitV2 = HostileRecords.withField(RequestCommand.getClassSchema(), "SubmitRequest",
                    "{\"name\": \"costCentre\", \"type\": \"string\", \"default\": \"unassigned\","
                            + " \"doc\": \"The cost centre billed for the request.\"}");
            GenericRecord v2Submit = HostileRecords.rewrite(LiveTopology.submit("r-v2", "postgres-database"), submitV2,
                    o -> ((ObjectNode) o.get("command").get("io.capmarket.schemas.SubmitRequest")).put("costCentre", "cc-42"));
            m.sendRaw(requests, List.of(Map.entry("r-v2", v2Writer.serializer().serialize(requests, v2Submit))));

            RequestStatus v1 = m.awaitState("r-v1", RequestState.MATCHED);
            RequestStatus v2 = m.awaitState("r-v2", RequestState.MATCHED);
            assertThat(v2.getConsumerTeam()).isEqualTo("app");

            Schema reportV2 = HostileRecords.withField(FulfilmentEvent.getClassSchema(), "FulfilmentEvent",
                    "{\"name\": \"traceId\", \"type\": [\"null\", \"string\"], \"default\": null,"
                            + " \"doc\": \"The producer's trace of the work.\"}");
            for (FulfilmentKind kind : List.of(FulfilmentKind.ACCEPTED, FulfilmentKind.FULFILLED)) {
                m.send(m.topics().fulfilment("db-team"), "r-v1", LiveTopology.report(v1, kind));
                GenericRecord report = HostileRecords.rewrite(LiveTopology.report(v2, kind), reportV2,
                        o -> o.putObject("traceId").put("string", "trace-" + kind));
                m.sendRaw(fulfilment, List.of(Map.entry("r-v2", v2Writer.serializer().serialize(fulfilment, report))));
            }

            assertThat(m.awaitState("r-v1", RequestState.FULFILLED).getProducerId()).isEqualTo("db-team");
            assertThat(m.awaitState("r-v2", RequestState.FULFILLED).getProducerId()).isEqualTo("db-team");
            assertThat(client.versions(requests + "-value")).hasSize(2);
            assertThat(client.versions(fulfilment + "-value")).hasSize(2);
            assertThat(client.latest(requests + "-value").schema().toString()).contains("costCentre");
            assertThat(m.deadLetters()).isEmpty();
            assertThat(m.app().state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }
}
