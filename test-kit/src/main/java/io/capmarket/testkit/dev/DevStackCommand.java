package io.capmarket.testkit.dev;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code capmarket infra}: the broker and the schema registry only, to run components from an IDE. */
@Command(name = "infra", mixinStandardHelpOptions = true, description = {
    "Starts only the broker and the schema registry, to run components from an IDE. Ctrl-C stops them.",
    "--secure: the admin's client settings are written to ./.capmarket/credentials/admin.properties"})
public final class DevStackCommand implements Callable<Integer> {

    @Mixin
    StackOptions stack;

    @Spec
    CommandSpec spec;

    /** The options given, checked. */
    DevStackOptions options() {
        try {
            return new DevStackOptions(stack.dataDirectory(), stack.kafkaPort(), stack.registryPort(), stack.reset(), stack.secure());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        DevStackMain.run(options());
        return 0;
    }
}
