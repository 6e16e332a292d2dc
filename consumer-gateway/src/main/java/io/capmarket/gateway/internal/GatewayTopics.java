package io.capmarket.gateway.internal;

import io.capmarket.schemas.topics.Mismatch;
import io.capmarket.schemas.topics.ProvisioningReport;
import io.capmarket.schemas.topics.Topic;
import io.capmarket.schemas.topics.TopicMismatchException;
import io.capmarket.schemas.topics.TopicProvisioner;
import io.capmarket.schemas.topics.TopicSpec;
import io.capmarket.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics the gateway uses, made sure of at start-up with no more rights than it needs. It
 * writes and reads the gateway's {@code requests} and the admins' {@code approval-policies} and
 * {@code quotas}, writes the admins' {@code contract-owners}, and reads {@code request-status}, {@code catalog}, {@code scorecard} and
 * {@code team-usage}; nothing else (no producer's topics, no producer approvals, no dead letters).
 *
 * <p>When they all exist (created by the topology or an administrator, as on a secured cluster),
 * provisioning only describes them: partitions always, configs where the principal may read them.
 * Only when one is missing does it try to create it, as in a development cluster; where the
 * principal may not, it fails naming the missing topics and who creates them.
 */
public final class GatewayTopics {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayTopics.class);

    private GatewayTopics() {
    }

    /** The gateway's topics: requests, request-status, catalog, scorecard, approval-policies, contract-owners, quotas, team-usage. */
    public static List<Topic<?, ?>> used(Topics topics) {
        return List.of(topics.requests(), topics.requestStatus(), topics.catalog(), topics.scorecard(), topics.approvalPolicies(),
                topics.contractOwners(), topics.quotas(), topics.teamUsage());
    }

    /**
     * Makes sure the gateway's topics exist as their specs say.
     *
     * @throws TopicMismatchException when an existing topic differs from its spec
     * @throws KafkaException when a topic is missing and cannot be created, or the cluster does not answer
     */
    public static ProvisioningReport provision(Admin admin, Topics topics, Duration timeout) {
        List<TopicSpec> specs = used(topics).stream().<TopicSpec>map(Topic::spec).toList();
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(names).topicNameValues();
        List<String> missing = new ArrayList<>();
        List<Mismatch> mismatches = new ArrayList<>();
        for (TopicSpec spec : specs) {
            TopicDescription description = describe(spec.name(), described.get(spec.name()), timeout);
            if (description == null) {
                missing.add(spec.name());
            } else if (description.partitions().size() != spec.partitions()) {
                mismatches.add(new Mismatch(spec.name(), "partitions", Integer.toString(spec.partitions()),
                        Integer.toString(description.partitions().size())));
            }
        }
        if (!missing.isEmpty()) {
            return create(admin, specs, missing, timeout);
        }
        mismatches.addAll(configMismatches(admin, specs, timeout));
        if (!mismatches.isEmpty()) {
            throw new TopicMismatchException(mismatches);
        }
        return new ProvisioningReport(List.of(), names, List.of());
    }

    private static ProvisioningReport create(Admin admin, List<TopicSpec> specs, List<String> missing, Duration timeout) {
        try {
            return new TopicProvisioner(admin, timeout).ensure(specs);
        } catch (KafkaException e) {
            if (authorization(e)) {
                throw new KafkaException("topics " + missing + " do not exist, and the gateway's principal may not create them: "
                        + "start the topology first (it creates the platform's topics and the gateway's requests topic), or have "
                        + "an administrator create them", e);
            }
            throw e;
        }
    }

    private static TopicDescription describe(String topic, KafkaFuture<TopicDescription> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            if (e.getCause() instanceof AuthorizationException) {
                throw new KafkaException("the gateway's principal may not describe topic " + topic + ": it needs READ and WRITE on "
                        + "the requests, approval-policies and quotas topics, WRITE on contract-owners and READ on request-status, "
                        + "catalog, scorecard and team-usage", e.getCause());
            }
            throw new KafkaException("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("describing topic " + topic + " took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while describing topic " + topic, e);
        }
    }

    /** Config differences, where the principal may read the configs; none otherwise (its ACLs need not allow it). */
    private static List<Mismatch> configMismatches(Admin admin, List<TopicSpec> specs, Duration timeout) {
        List<ConfigResource> resources = specs.stream().map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList();
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                LOG.info("the gateway may not read the configs of its topics; checked their partitions only");
                return List.of();
            }
            throw new KafkaException("cannot describe the configs of topics " + resources + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("describing topic configs took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while describing topic configs", e);
        }
        List<Mismatch> mismatches = new ArrayList<>();
        for (TopicSpec spec : specs) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            spec.configs().forEach((key, expected) -> {
                String actual = config.get(key) == null ? null : config.get(key).value();
                if (!expected.equals(actual)) {
                    mismatches.add(new Mismatch(spec.name(), key, expected, String.valueOf(actual)));
                }
            });
        }
        return mismatches;
    }

    private static boolean authorization(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof AuthorizationException) {
                return true;
            }
        }
        return false;
    }
}
