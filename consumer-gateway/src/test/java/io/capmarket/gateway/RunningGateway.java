package io.capmarket.gateway;

import static org.awaitility.Awaitility.await;

import io.capmarket.schemas.CapabilityView;
import io.capmarket.schemas.topics.Topics;
import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.registry.EmbeddedSchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One gateway of a fresh deployment ({@link Fixtures#settings}) on port 0, its catalog seeded and
 * readable, for the ITs that drive its HTTP API. Close it after the class.
 */
final class RunningGateway implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    private final Map<String, String> settings;
    private final Topics topics;
    private final GatewayApp app;
    private final Api api;

    private RunningGateway(Map<String, String> settings, Topics topics, GatewayApp app) {
        this.settings = settings;
        this.topics = topics;
        this.app = app;
        this.api = new Api(app.httpPort());
    }

    /**
     * Starts a gateway and waits until it is ready and lists every capability of {@code catalog}.
     *
     * @param overrides settings that replace the fixtures' defaults
     */
    static RunningGateway start(KafkaBroker broker, EmbeddedSchemaRegistry registry, String name, Map<String, String> overrides,
            List<CapabilityView> catalog) {
        Map<String, String> settings = Fixtures.settings(broker, registry, name);
        settings.putAll(overrides);
        Topics topics = Fixtures.topics(settings);
        RunningGateway gateway = new RunningGateway(settings, topics, GatewayApp.start(GatewayConfig.of(settings)));
        try {
            catalog.forEach(capability -> Fixtures.send(broker, topics.catalog(), capability.getName(), capability));
            await().atMost(WAIT).until(gateway.app::ready);
            await().atMost(WAIT).until(() -> gateway.api.get("/v1/capabilities", Fixtures.ADMIN_TOKEN).json().get("items").size()
                    == catalog.size());
        } catch (RuntimeException | Error e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    Map<String, String> settings() {
        return settings;
    }

    Topics topics() {
        return topics;
    }

    GatewayApp app() {
        return app;
    }

    Api api() {
        return api;
    }

    @Override
    public void close() {
        app.close();
    }
}
