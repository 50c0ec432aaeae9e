package dev.jspec.cli;

import dev.jspec.exec.ExitStatus;
import dev.jspec.exec.ParentExecutor;
import dev.jspec.exec.StepFailure;
import dev.jspec.exec.TerminalProxy;
import dev.jspec.lifecycle.ContainerId;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.lifecycle.InitProcess;
import dev.jspec.lifecycle.StateStore;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.Plan;
import dev.jspec.plan.PlanContext;
import dev.jspec.plan.Planner;
import dev.jspec.spec.BundleLoader;
import dev.jspec.spec.ConfigException;
import dev.jspec.spec.Diagnostic;
import dev.jspec.spec.LoadedBundle;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Create and start a container from a bundle, and wait for it (unless --detach).",
            "",
            "jspec run BUNDLE_DIR          runs the bundle; the container ID is the directory's name",
            "jspec run [--bundle B] ID     the runc form; the bundle defaults to the current directory",
            "",
            "The container's stdin, stdout and stderr are jspec's own; its exit status is jspec's",
            "(128+N when killed by signal N). jspec itself fails with 125 before the program starts,",
            "127 when the program is not found in the container and 126 when it cannot be executed."
        })
final class RunCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    private static final String[] FORWARDED_SIGNALS = {"INT", "TERM", "HUP", "QUIT", "USR1", "USR2", "WINCH"};

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID|BUNDLE", description = "Container ID, or a bundle directory.")
    String target;

    @Option(names = {"-b", "--bundle"}, paramLabel = "DIR", description = "The bundle directory (default: the current directory).")
    Path bundle;

    @Option(names = {"-d", "--detach"}, description = "Start the container and return; `jspec delete ID` removes it later.")
    boolean detach;

    @Option(names = "--preserve-fds", paramLabel = "N",
            description = "Pass N more descriptors to the program: jspec's own 3 to 3+N-1, as they are (default 0).")
    int preserveFds;

    @Option(names = "--pid-file", paramLabel = "FILE", description = "Write the container's process ID to FILE.")
    Path pidFile;

    @Option(names = "--console-socket", paramLabel = "SOCKET",
            description = "With process.terminal: send the terminal's master to this unix socket (SCM_RIGHTS), as runc does.")
    String consoleSocket;

    @Option(names = "--no-pivot", description = "Accepted for runc's callers; jspec always uses pivot_root.")
    boolean noPivot;

    @Option(names = "--no-new-keyring", description = "Accepted for runc's callers; jspec makes no session keyring.")
    boolean noNewKeyring;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = Main.err();
        Path bundleDir;
        String id;
        if (target != null && bundle == null && Files.isDirectory(Path.of(target)) && hasConfig(Path.of(target))) {
            bundleDir = Path.of(target);
            id = bundleDir.toAbsolutePath().normalize().getFileName().toString();
        } else {
            bundleDir = bundle != null ? bundle : Path.of(".");
            id = target != null ? target : bundleDir.toAbsolutePath().normalize().getFileName().toString();
        }
        if (target != null && bundle == null && target.contains("/") && !hasConfig(Path.of(target))) {
            err.println("jspec: " + target + " is not a bundle: no " + String.join(", ", BundleLoader.CONFIG_NAMES)
                    + " there");
            return ExitCodes.START_FAILED;
        }
        // Handlers go in before anything is made (the init may be spawned before the config is
        // read): a signal during start-up must not kill jspec halfway and orphan a container.
        // Until the init runs the program, signals wait.
        Launch launch = new Launch(id, bundleDir, preserveFds, pidFile, consoleSocket, false, err);
        // What the start needs first is begun on the second core while the handlers go in.
        launch.ahead();
        PendingSignals signals = new PendingSignals();
        Signals.forward(FORWARDED_SIGNALS, signals::deliver);
        int prepared = launch.prepare(detach);
        if (prepared != ExitCodes.OK) {
            return prepared;
        }
        int started = launch.start();
        if (started != ExitCodes.OK || detach) {
            return started;
        }
        int status = waitForExit(launch.sys(), launch.executor(), Main.stateStore(), id, launch.pid(), signals, err);
        launch.poststop();
        return status;
    }

    private int waitForExit(Syscalls sys, ParentExecutor executor, StateStore store, String id, int pid,
            PendingSignals signals, PrintWriter err) {
        TerminalProxy terminal = consoleSocket == null && executor.ptyMaster() >= 0 ? new TerminalProxy(sys, executor.ptyMaster()) : null;
        Thread output = terminal != null ? terminal.start() : null;
        signals.target((name, number) -> {
            if (name.equals("WINCH") && terminal != null) {
                terminal.resize();
            }
            try {
                sys.kill(pid, number);
            } catch (RuntimeException ignored) {
                // The container is already gone.
            }
        });
        int status = sys.waitpid(pid);
        if (output != null) {
            try {
                output.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            terminal.close();
        }
        if (ExitStatus.toExitCode(status) == 128 + 9) {
            String oom = executor.cgroups().oomExplanation();
            if (oom != null) {
                err.println("jspec: " + oom);
            }
        }
        executor.removeCgroups(err::println);
        store.remove(id);
        return ExitStatus.toExitCode(status);
    }

    /** Signals that arrive before the container's init exists, delivered once it does. */
    private static final class PendingSignals {
        private record Pending(String name, int number) {}

        private final List<Pending> pending = new ArrayList<>();
        private BiConsumer<String, Integer> target;

        synchronized void deliver(String name, int number) {
            if (target != null) {
                target.accept(name, number);
            } else {
                pending.add(new Pending(name, number));
            }
        }

        synchronized void target(BiConsumer<String, Integer> t) {
            target = t;
            pending.forEach(p -> t.accept(p.name(), p.number()));
            pending.clear();
        }
    }

    private static boolean hasConfig(Path dir) {
        // Whatever is there under a config's name: the loader refuses one that is not a regular file.
        return BundleLoader.CONFIG_NAMES.stream().anyMatch(name -> Files.exists(dir.resolve(name)));
    }
}
