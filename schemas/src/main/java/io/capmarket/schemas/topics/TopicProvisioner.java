package io.capmarket.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates missing topics with their specs and checks existing ones against them. An existing
 * topic is never altered: a difference is reported (and {@link #ensure} refuses to go on), since
 * changing partitions or cleanup policy under a running system moves or deletes data.
 */
public final class TopicProvisioner {

    private final Admin admin;
    private final Duration timeout;

    /**
     * @param admin the admin client to use; not closed by the provisioner
     * @param timeout how long each admin call may take
     */
    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Creates what is missing and reports what differs, without failing on differences. */
    public ProvisioningReport provision(Collection<TopicSpec> specs) {
        Set<String> existingNames = await(admin.listTopics().names(), "list topics");
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        for (TopicSpec spec : specs) {
            if (existingNames.contains(spec.name())) {
                existing.add(spec.name());
            } else if (create(spec)) {
                created.add(spec.name());
            } else {
                existing.add(spec.name());
            }
        }
        awaitLeaders(created);
        List<TopicSpec> toCheck = specs.stream().filter(s -> existing.contains(s.name())).toList();
        return new ProvisioningReport(created, existing, mismatches(toCheck));
    }

    /**
     * Creates what is missing and fails when an existing topic differs from its spec.
     *
     * @throws TopicMismatchException listing every difference
     */
    public ProvisioningReport ensure(Collection<TopicSpec> specs) {
        ProvisioningReport report = provision(specs);
        if (!report.ok()) {
            throw new TopicMismatchException(report.mismatches());
        }
        return report;
    }

    /** Creates a topic; false when another process created it first. */
    private boolean create(TopicSpec spec) {
        NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()), spec.replicationFactor())
                .configs(spec.configs());
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new KafkaException("cannot create topic " + spec.name() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("creating topic " + spec.name() + " took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topic " + spec.name(), e);
        }
    }

    /**
     * A topic is created once the controller has it, but a broker may not know it for a moment
     * longer; clients that use it at once would fail. Waits until every partition has a leader.
     */
    private void awaitLeaders(List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (described.values().stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new KafkaException("cannot describe topics " + names + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaException("describing topics " + names + " took longer than " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topics " + names, e);
            }
            if (System.nanoTime() > deadline) {
                throw new KafkaException("topics " + names + " were created but have no leader after " + timeout);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for new topics", e);
        }
    }

    private List<Mismatch> mismatches(List<TopicSpec> specs) {
        if (specs.isEmpty()) {
            return List.of();
        }
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        awaitLeaders(names);
        Map<String, TopicDescription> descriptions = await(admin.describeTopics(names).allTopicNames(), "describe topics");
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all(), "describe topic configs");
        List<Mismatch> mismatches = new ArrayList<>();
        for (TopicSpec spec : specs) {
            int partitions = descriptions.get(spec.name()).partitions().size();
            if (partitions != spec.partitions()) {
                mismatches.add(new Mismatch(spec.name(), "partitions", Integer.toString(spec.partitions()),
                        Integer.toString(partitions)));
            }
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            Map<String, String> actual = config.entries().stream()
                    .filter(e -> e.value() != null)
                    .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
            spec.configs().forEach((key, expected) -> {
                String value = actual.get(key);
                if (!expected.equals(value)) {
                    mismatches.add(new Mismatch(spec.name(), key, expected, String.valueOf(value)));
                }
            });
        }
        return mismatches;
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException(what + " took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while trying to " + what, e);
        }
    }
}
