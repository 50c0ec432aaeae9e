package dev.jspec.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "plan", mixinStandardHelpOptions = true, description = "Not built yet.")
final class PlanCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("jspec plan: not built yet");
        return ExitCodes.FAILURE;
    }
}
