package io.capmarket.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SecureKafkaBrokerExtension.class)
class SecureEmbeddedKafkaBrokerIT {

    private static final Duration QUICK = Duration.ofSeconds(5);

    private final EmbeddedKafkaBroker kafka;

    SecureEmbeddedKafkaBrokerIT(EmbeddedKafkaBroker kafka) {
        this.kafka = kafka;
    }

    @Test
    void theAdminCreatesTopicsUsersAndAclsAndWrites() throws Exception {
        String topic = "secure-" + UUID.randomUUID();
        assertThat(kafka.secure()).isTrue();
        assertThat(kafka.adminClientConfig()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            String user = "user-" + UUID.randomUUID();
            createUser(admin, user, "right-password");
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry("User:" + user, "*", AclOperation.WRITE, AclPermissionType.ALLOW)))).all().get();

            assertThat(admin.listTopics().names().get()).contains(topic);
            try (KafkaProducer<String, String> producer = producer(kafka.clientConfig(user, "right-password"))) {
                assertThat(producer.send(new ProducerRecord<>(topic, "k", "v")).get().offset()).isZero();
            }
        }
    }

    @Test
    void anAuthenticatedUserWithoutAnAclIsRefused() throws Exception {
        String topic = "no-acl-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            createUser(admin, user, "password");
        }
        try (Admin stranger = Admin.create(quick(kafka.clientConfig(user, "password")))) {
            assertThat(stranger.listTopics().names().get()).as("no ACL: no topic is even visible").doesNotContain(topic);
        }
        try (KafkaProducer<String, String> producer = producer(kafka.clientConfig(user, "password"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "v")).get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aWrongPasswordOrUnknownUserFailsAuthentication() {
        Map<String, Object> wrongPassword = kafka.clientConfig(kafka.adminUser(), "not-the-password");
        try (Admin admin = Admin.create(quick(wrongPassword))) {
            assertThatThrownBy(() -> admin.listTopics().names().get())
                    .cause().isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("SCRAM-SHA-512");
        }
        try (Admin admin = Admin.create(quick(kafka.clientConfig("nobody", "whatever")))) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aClientWithoutSaslGetsNoAnswer() {
        Map<String, Object> plain = quick(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        try (Admin admin = Admin.create(plain)) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).cause().isInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void theControllerPortRefusesTheAdminsScramCredentialAndAnonymousClients() {
        String controller = "127.0.0.1:" + kafka.controllerPort();
        Map<String, Object> withAdminScram = new HashMap<>(kafka.adminClientConfig());
        withAdminScram.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        withAdminScram.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, controller);
        try (Admin admin = Admin.create(quick(withAdminScram))) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get())
                    .as("the controller listener speaks PLAIN only, with the node's own secret").cause()
                    .isInstanceOf(UnsupportedSaslMechanismException.class);
        }
        Map<String, Object> plainGuess = new HashMap<>(withAdminScram);
        plainGuess.put("sasl.mechanism", "PLAIN");
        plainGuess.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + kafka.adminUser() + "\" password=\"" + kafka.adminPassword() + "\";");
        try (Admin admin = Admin.create(quick(plainGuess))) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get())
                    .as("even the admin's own password does not open the controller listener").cause()
                    .isInstanceOf(SaslAuthenticationException.class);
        }
        try (Admin admin = Admin.create(quick(Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, controller)))) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get()).cause().isInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void aSecureBrokerKeepsItsAdminAcrossARestart() throws Exception {
        try (EmbeddedKafkaBroker own = EmbeddedKafkaBroker.builder().secure("root", "restart-secret").build().start()) {
            try (Admin admin = Admin.create(own.adminClientConfig())) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
            }
            own.stop();
            own.start();
            try (Admin admin = Admin.create(own.adminClientConfig())) {
                assertThat(admin.listTopics().names().get()).contains("kept");
            }
        }
    }

    @Test
    void aKeptDataDirectoryRemembersItsGeneratedAdminPassword() throws Exception {
        Path data = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))), "secure-")
                .resolve("kafka");
        String password;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDirectory(data).secure().build().start();
             Admin admin = Admin.create(first.adminClientConfig())) {
            password = first.adminPassword();
            admin.createTopics(List.of(new NewTopic("remembered", 1, (short) 1))).all().get();
        }
        if (data.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(BrokerStorage.SECURITY_MARKER))))
                    .isEqualTo("rw-------");
        }
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDirectory(data).secure().build().start();
             Admin admin = Admin.create(second.adminClientConfig())) {
            assertThat(second.adminPassword()).isEqualTo(password);
            assertThat(admin.listTopics().names().get()).contains("remembered");
        }
        EmbeddedKafkaBroker other = EmbeddedKafkaBroker.builder().dataDirectory(data).secure("admin", "another-password").build();
        assertThatThrownBy(other::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was formatted with another password for admin 'admin'");
    }

    @Test
    void aPlainDataDirectoryIsNotStartedSecure() {
        try (EmbeddedKafkaBroker plain = EmbeddedKafkaBroker.builder().build().start()) {
            plain.stop();
            EmbeddedKafkaBroker secure = EmbeddedKafkaBroker.builder().dataDirectory(plain.dataDirectory()).secure().build();
            assertThatThrownBy(secure::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("was formatted without SASL/SCRAM");
        }
    }

    @Test
    void thePlainBrokerNeedsOnlyBootstrapServers() {
        try (EmbeddedKafkaBroker plain = EmbeddedKafkaBroker.builder().build()) {
            assertThat(plain.secure()).isFalse();
            assertThatThrownBy(() -> plain.clientConfig("u", "p")).isInstanceOf(IllegalStateException.class);
            plain.start();
            assertThat(plain.adminClientConfig()).containsOnlyKeys("bootstrap.servers");
        }
    }

    private static void createUser(Admin admin, String user, String password) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get();
    }

    private static Map<String, Object> quick(Map<String, Object> config) {
        Map<String, Object> quick = new HashMap<>(config);
        quick.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) QUICK.toMillis());
        quick.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) QUICK.toMillis());
        return quick;
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> config) {
        Map<String, Object> producerConfig = new HashMap<>(config);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
    }
}
