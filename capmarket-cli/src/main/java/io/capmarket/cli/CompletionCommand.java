package io.capmarket.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code capmarket completion}: the bash (and zsh) completion script of the whole command tree. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a bash/zsh completion script for capmarket.",
            "Use it with: source <(capmarket completion)"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("capmarket", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return CapmarketCli.OK;
    }
}
