package dev.jspec.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "spec", mixinStandardHelpOptions = true, description = "Not built yet.")
final class SpecCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("jspec spec: not built yet");
        return ExitCodes.FAILURE;
    }
}
