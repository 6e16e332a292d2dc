package io.capmarket.testkit.kafka;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving the whole test JVM one Kafka broker, chosen by
 * {@link KafkaBroker#fromSystemProperties()}. The first test class that asks for it pays the
 * start-up; later classes reuse it; it is closed when the JVM's test plan ends.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class OrdersIT {
 *     @Test
 *     void produces(KafkaBroker kafka) {
 *         Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers());
 *     }
 * }
 * }</pre>
 *
 * <p>{@code KafkaBroker} parameters are resolved in constructors, lifecycle methods and test methods.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    /** Creates the extension; JUnit calls this. */
    public KafkaBrokerExtension() {
    }

    /**
     * Returns the JVM-wide broker, starting it on first use. Other extensions (for example one
     * that needs Kafka for its own resource) call this.
     *
     * @param context any extension context of the running test plan
     * @return the shared broker
     */
    public static KafkaBroker broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(KafkaBroker.class, key -> KafkaBroker.fromSystemProperties(), KafkaBroker.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return broker(extensionContext);
    }
}
