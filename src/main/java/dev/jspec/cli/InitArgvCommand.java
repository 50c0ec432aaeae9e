package dev.jspec.cli;

import dev.jspec.exec.InitCommand;
import dev.jspec.util.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the init's command line, one argument per line: the launcher trains the init's AOT cache with it. */
@Command(name = "init-argv", hidden = true, description = "Print the container init's command line.")
final class InitArgvCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (String arg : InitCommand.argv()) {
            spec.commandLine().getOut().println(arg);
        }
        return ExitCodes.OK;
    }
}
