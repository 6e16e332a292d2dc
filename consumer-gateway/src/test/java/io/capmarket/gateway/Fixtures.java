package io.capmarket.gateway;

import io.capmarket.gateway.internal.InstanceCalls;
import io.capmarket.gateway.internal.Principal;
import io.capmarket.gateway.internal.Tokens;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.LeadTimeFigures;
import io.capmarket.schemas.OfferStatus;
import io.capmarket.schemas.OfferView;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What gateway tests share: settings for a fresh deployment, tokens, catalog entries, and writing to topics. */
final class Fixtures {

    static final String ALPHA_TOKEN = "alpha-secret";
    static final String BETA_TOKEN = "beta-secret";
    static final String PRODUCER_TOKEN = "db-team-secret";
    static final String ADMIN_TOKEN = "admin-secret";
    static final String APPROVER_TOKEN = "approver-secret";
    static final String DBA_TOKEN = "dba-secret";
    static final String ALPHA_BOT_TOKEN = "alpha-bot-secret";

    static final String PARAMETER_SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {"sizeGb": {"type": "integer", "minimum": 1, "maximum": 1000},
                            "engine": {"enum": ["postgres-15", "postgres-16"]}},
             "required": ["sizeGb"], "additionalProperties": false}""";

    /** A parameter schema with a rule of each kind JSON Schema checks, for suites that violate each. */
    static final String BUCKET_SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {
               "name": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$", "minLength": 3, "maxLength": 63},
               "sizeGb": {"type": "integer", "minimum": 1, "maximum": 1000, "multipleOf": 5},
               "replicas": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
               "tier": {"enum": ["hot", "cold"]},
               "versioned": {"type": "boolean"},
               "kind": {"const": "bucket"},
               "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3, "uniqueItems": true},
               "owner": {"type": "object", "properties": {"email": {"type": "string", "minLength": 3}},
                         "required": ["email"], "additionalProperties": false},
               "labels": {"type": "object", "maxProperties": 2, "propertyNames": {"pattern": "^[a-z]+$"},
                          "additionalProperties": {"type": "string"}}},
             "required": ["name", "sizeGb"], "dependentRequired": {"replicas": ["tier"]}, "additionalProperties": false}""";

    /** Parameters that satisfy every rule of {@link #BUCKET_SCHEMA}. */
    static final String BUCKET_PARAMETERS = """
            {"name": "my-bucket", "sizeGb": 10, "replicas": 3, "tier": "hot", "versioned": true, "kind": "bucket",
             "tags": ["a", "b"], "owner": {"email": "ops@example.org"}, "labels": {"env": "prod"}}""";

    private Fixtures() {
    }

    /** A fresh deployment: own application id, topic prefix and state directory. */
    static Map<String, String> settings(KafkaBroker broker, EmbeddedSchemaRegistry registry, String name) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", id);
        settings.put("topics.prefix", id + ".");
        settings.put("topics.partitions", "2");
        settings.put("state.dir", Path.of(System.getProperty("java.io.tmpdir"), id).toString());
        settings.put("http.port", "0");
        settings.put("http.host", "127.0.0.1");
        settings.put("http.advertised-host", "127.0.0.1");
        settings.put("long-poll.max-timeout", "20s");
        settings.put("shutdown.timeout", "10s");
        settings.put("http.max-request-size", "16kb");
        settings.put("auth.tokens", String.join(";",
                Tokens.hash(ALPHA_TOKEN) + " alpha consumer alice",
                Tokens.hash(ALPHA_BOT_TOKEN) + " alpha consumer alpha-ci bot",
                Tokens.hash(BETA_TOKEN) + " beta consumer bob",
                Tokens.hash(PRODUCER_TOKEN) + " db-team producer",
                Tokens.hash(ADMIN_TOKEN) + " platform admin root",
                Tokens.hash(APPROVER_TOKEN) + " alpha approver carol",
                Tokens.hash(DBA_TOKEN) + " dba approver dana"));
        settings.put("streams.commit.interval.ms", "100");
        settings.put("streams.consumer.session.timeout.ms", "10000");
        // every instance of a test's deployment shares it; rate limits are off but where a test is about them
        settings.put(AccessConfig.INSTANCES_KEY, "a test deployment's secret of 32+ bytes");
        settings.put(AccessConfig.CALLER_RATE, "0");
        settings.put(AccessConfig.TEAM_RATE, "0");
        settings.put(AccessConfig.PRIORITY_GRANTS, "HIGH=alpha,demo-app");
        return settings;
    }

    /**
     * What another instance of the deployment of {@code settings} sends to act for {@code principal}
     * in one call: the internal routes take nothing else.
     *
     * @param pathAndQuery the path and query as sent, still URL-encoded
     * @param body the body sent, empty for none
     */
    static String instanceAssertion(Map<String, String> settings, Principal principal, String method, String pathAndQuery, byte[] body) {
        return new InstanceCalls(settings.get(AccessConfig.INSTANCES_KEY).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                settings.get("application.id"), java.time.Duration.ofSeconds(30), java.time.Clock.systemUTC())
                .sign(principal, method, pathAndQuery, body);
    }

    static Topics topics(Map<String, String> settings) {
        return GatewayConfig.of(settings).topics();
    }

    static CapabilityView postgres(Instant now) {
        return CapabilityView.newBuilder()
                .setName("postgres-database")
                .setDescription("A managed PostgreSQL database")
                .setVersions(List.of(
                        new CapabilityVersionView(1, PARAMETER_SCHEMA, "{\"type\":\"object\"}", true, Instant.parse("2031-01-01T00:00:00Z"),
                                "db-team"),
                        new CapabilityVersionView(2, PARAMETER_SCHEMA, "{\"type\":\"object\"}", false, null, "db-team")))
                .setOffers(List.of(offer("pg-eu", "eu-west", 2), offer("pg-us", "us-east", 1)))
                .setUpdatedAt(now)
                .build();
    }

    /** {@code object-bucket}, one version with {@link #BUCKET_SCHEMA}. */
    static CapabilityView bucket(Instant now) {
        return CapabilityView.newBuilder().setName("object-bucket").setDescription("An object storage bucket")
                .setVersions(List.of(new CapabilityVersionView(1, BUCKET_SCHEMA, "{\"type\":\"object\"}", false, null, null)))
                .setOffers(List.of(offer("bucket-eu", "eu-west", 1))).setUpdatedAt(now).build();
    }

    static CapabilityView simple(String name, Instant now) {
        return CapabilityView.newBuilder().setName(name).setDescription(null)
                .setVersions(List.of(new CapabilityVersionView(1, "{\"type\":\"object\"}", "{}", false, null, null)))
                .setOffers(List.of(offer(name + "-1", "eu-west", 1))).setUpdatedAt(now).build();
    }

    private static OfferView offer(String offerId, String region, int version) {
        return OfferView.newBuilder().setOfferId(offerId).setProducerId("db-team").setVersion(version).setStatus(OfferStatus.ACTIVE)
                .setAttributes(Map.of("region", region)).setCapacity(5).setInFlight(1).setLeadTimeSloMs(600_000).setProducerLive(true)
                .setObserved(new LeadTimeFigures(3L, 1000L, 2000L)).build();
    }

    static <V> void send(KafkaBroker broker, Topic<String, V> topic, String key, V value) {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (Exception e) {
            throw new AssertionError("cannot write to " + topic, e);
        }
    }
}
