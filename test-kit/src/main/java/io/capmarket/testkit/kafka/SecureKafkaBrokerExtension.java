package io.capmarket.testkit.kafka;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving the whole test JVM one in-JVM Kafka broker with SASL/SCRAM-SHA-512 and
 * ACL authorization ({@link EmbeddedKafkaBroker.Builder#secure()}), beside the plain one of
 * {@link KafkaBrokerExtension}. The first test class that asks for it pays the start-up; it is
 * closed when the JVM's test plan ends.
 *
 * <pre>{@code
 * @ExtendWith(SecureKafkaBrokerExtension.class)
 * class AccessIT {
 *     @Test
 *     void refuses(EmbeddedKafkaBroker kafka) {
 *         try (Admin admin = Admin.create(kafka.adminClientConfig())) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>{@code EmbeddedKafkaBroker} parameters are resolved in constructors, lifecycle methods and test methods.
 */
public final class SecureKafkaBrokerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SecureKafkaBrokerExtension.class);

    /** Creates the extension; JUnit calls this. */
    public SecureKafkaBrokerExtension() {
    }

    /**
     * Returns the JVM-wide secure broker, starting it on first use.
     *
     * @param context any extension context of the running test plan
     * @return the shared secure broker
     */
    public static EmbeddedKafkaBroker broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(EmbeddedKafkaBroker.class,
                key -> EmbeddedKafkaBroker.builder().secure().build().start(), EmbeddedKafkaBroker.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return broker(extensionContext);
    }
}
