package io.capmarket.spring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The producer's settings under {@code capmarket.*} (or, by Spring's relaxed binding, variables
 * such as {@code CAPMARKET_PRODUCERID}); a blank value counts as unset. Where a connection setting is not given here,
 * the starter takes it from the client properties file, then from Spring Kafka's settings:
 * {@code bootstrap-servers} from {@code spring.kafka.bootstrap-servers}, {@code schema-registry-url}
 * from {@code spring.kafka.properties.schema.registry.url}.
 *
 * <pre>
 * capmarket:
 *   producer-id: db-team
 *   schema-registry-url: http://registry:8081
 * spring.kafka.bootstrap-servers: kafka:9092
 * </pre>
 *
 * @param producerId the onboarded producer this application acts for; required
 * @param bootstrapServers the Kafka cluster, {@code host:port[,host:port]}
 * @param schemaRegistryUrl the schema registry (Confluent API)
 * @param topicPrefix the prefix of every topic name; unset means the SDK's default, {@code capmarket.}
 * @param clientProperties a client properties file, such as the one onboarding writes
 *     ({@code .capmarket/credentials/db-team.properties}, or any Spring resource location): Kafka
 *     security, registry credentials; the settings above win over it
 * @param offers where the offer files are (Spring resource patterns; by default every YAML file under
 *     {@code offers/} on the classpath, its folders included); every file found is read,
 *     and all must be valid
 * @param publishOffers whether to publish the offers at start; false (the default) only declares
 *     them, for offers published by {@code capmarket sync} from CI
 * @param autoAccept whether the SDK accepts each assignment before calling the handler
 * @param autoStartup whether the client starts with the application context
 * @param defaultCapacity capacity for assignments of offers this application did not declare
 * @param heartbeatInterval how often to heartbeat; unset means the SDK's default
 * @param shutdownTimeout how long stopping lets running handlers settle; unset means the SDK's default
 * @param publishTimeout how long one publish may retry; unset means the SDK's default
 * @param rebalanceDrain how long a rebalance waits for running work of the partitions it takes from
 *     this process before handing it over; unset means the SDK's default
 * @param handlerTimeout how long a handler may work on one assignment before it is interrupted (or its
 *     stage cancelled), its slot freed and the work reported as a retryable failure; greater than 0;
 *     unset means the SDK's default (1 h)
 * @param checkKafkaClients whether to refuse to start on an older kafka-clients than the SDK's
 *     (as Spring Boot's dependency management brings unless told otherwise)
 * @param kafka further Kafka client settings ({@code security.protocol}, {@code sasl.*}…)
 * @param serde further schema registry and serde settings ({@code auto.register.schemas}…)
 */
@ConfigurationProperties("capmarket")
public record CapmarketProperties(
        String producerId,
        String bootstrapServers,
        String schemaRegistryUrl,
        String topicPrefix,
        String clientProperties,
        @DefaultValue({"classpath*:offers/**/*.yaml", "classpath*:offers/**/*.yml"}) List<String> offers,
        @DefaultValue("false") boolean publishOffers,
        @DefaultValue("true") boolean autoAccept,
        @DefaultValue("true") boolean autoStartup,
        @DefaultValue("1") int defaultCapacity,
        Duration heartbeatInterval,
        Duration shutdownTimeout,
        Duration publishTimeout,
        Duration rebalanceDrain,
        Duration handlerTimeout,
        @DefaultValue("true") boolean checkKafkaClients,
        Map<String, String> kafka,
        Map<String, String> serde) {

    /** Fills unset maps with empty ones. */
    public CapmarketProperties {
        kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
        serde = serde == null ? Map.of() : Map.copyOf(serde);
        offers = offers == null ? List.of() : List.copyOf(offers);
    }
}
