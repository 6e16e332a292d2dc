package io.capmarket.testkit.apicurio;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving the whole test JVM one {@link ApicurioRegistry} process, started
 * from the distribution named by the system property {@value #HOME_PROPERTY} and stopped when
 * the JVM's test plan ends.
 *
 * <pre>{@code
 * @ExtendWith(ApicurioRegistryExtension.class)
 * class ClientAgainstApicurioIT {
 *     @Test
 *     void registers(ApicurioRegistry apicurio) {
 *         String url = apicurio.confluentApiUrl();
 *     }
 * }
 * }</pre>
 */
public final class ApicurioRegistryExtension implements ParameterResolver {

    /** The system property holding the unpacked distribution directory (or its runner jar). */
    public static final String HOME_PROPERTY = "apicurio.home";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ApicurioRegistryExtension.class);

    /** Creates the extension; JUnit calls this. */
    public ApicurioRegistryExtension() {
    }

    /**
     * Returns the JVM-wide registry, starting it on first use.
     *
     * @param context any extension context of the running test plan
     * @return the shared registry
     * @throws ExtensionConfigurationException if {@value #HOME_PROPERTY} is unset or names nothing
     */
    public static ApicurioRegistry registry(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(ApicurioRegistry.class,
                key -> ApicurioRegistry.builder(home(System.getProperty(HOME_PROPERTY))).start(),
                ApicurioRegistry.class);
    }

    static Path home(String value) {
        if (value == null || value.isBlank()) {
            throw new ExtensionConfigurationException("System property '" + HOME_PROPERTY
                    + "' is not set; set it to the unpacked io.apicurio:apicurio-registry-app:tar.gz:all directory");
        }
        Path home = Path.of(value);
        if (!Files.exists(home)) {
            throw new ExtensionConfigurationException("System property '" + HOME_PROPERTY + "' names '" + value
                    + "', which does not exist; unpack io.apicurio:apicurio-registry-app:tar.gz:all there");
        }
        return home;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == ApicurioRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return registry(extensionContext);
    }
}
