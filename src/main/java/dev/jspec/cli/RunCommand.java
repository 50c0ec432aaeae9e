package dev.jspec.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Not built yet.")
final class RunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("jspec run: not built yet");
        return ExitCodes.FAILURE;
    }
}
