package dev.jspec.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "validate", mixinStandardHelpOptions = true, description = "Not built yet.")
final class ValidateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("jspec validate: not built yet");
        return ExitCodes.FAILURE;
    }
}
