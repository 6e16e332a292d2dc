package io.capmarket.testkit.registry;

import io.capmarket.testkit.kafka.KafkaBroker;
import io.capmarket.testkit.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving the whole test JVM one {@link EmbeddedSchemaRegistry}, stored in the
 * {@value EmbeddedSchemaRegistry#DEFAULT_TOPIC} topic of the {@link KafkaBrokerExtension}'s
 * broker. Resolves {@code EmbeddedSchemaRegistry} parameters; register
 * {@link KafkaBrokerExtension} too when the test also wants the {@code KafkaBroker}.
 *
 * <pre>{@code
 * @ExtendWith({KafkaBrokerExtension.class, SchemaRegistryExtension.class})
 * class SerdeIT {
 *     @Test
 *     void roundTrips(KafkaBroker kafka, EmbeddedSchemaRegistry registry) {
 *         Map<String, Object> config = Map.of("schema.registry.url", registry.url());
 *     }
 * }
 * }</pre>
 */
public final class SchemaRegistryExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SchemaRegistryExtension.class);

    /** Creates the extension; JUnit calls this. */
    public SchemaRegistryExtension() {
    }

    /**
     * Returns the JVM-wide registry, starting it (and the broker) on first use.
     *
     * @param context any extension context of the running test plan
     * @return the shared registry
     */
    public static EmbeddedSchemaRegistry registry(ExtensionContext context) {
        // The broker goes into the root store first, so it is closed after the registry.
        KafkaBroker broker = KafkaBrokerExtension.broker(context);
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(EmbeddedSchemaRegistry.class,
                key -> EmbeddedSchemaRegistry.builder().kafkaBootstrapServers(broker.bootstrapServers()).build().start(),
                EmbeddedSchemaRegistry.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedSchemaRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return registry(extensionContext);
    }
}
