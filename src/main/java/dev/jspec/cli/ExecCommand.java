package dev.jspec.cli;

import dev.jspec.exec.ExitStatus;
import dev.jspec.exec.ParentExecutor;
import dev.jspec.exec.StepFailure;
import dev.jspec.exec.TerminalProxy;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.Plan;
import dev.jspec.plan.PlanContext;
import dev.jspec.plan.Planner;
import dev.jspec.spec.BundleLoader;
import dev.jspec.spec.ConfigException;
import dev.jspec.spec.Diagnostic;
import dev.jspec.spec.Spec;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "exec",
        mixinStandardHelpOptions = true,
        description = {
            "Run a new process in a running container: its namespaces, its cgroups, its seccomp filter.",
            "",
            "jspec exec ID ARGS...            the container's process spec with these arguments",
            "jspec exec --process FILE ID     an OCI process object (podman's and containerd's way)",
            "",
            "Without --detach, jspec waits and ends with the process's exit status."
        })
final class ExecCommand implements Callable<Integer> {

    private static final String[] FORWARDED_SIGNALS = {"INT", "TERM", "HUP", "QUIT", "USR1", "USR2", "WINCH"};

    @CommandLine.Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARGS", description = "The program and its arguments.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-p", "--process"}, paramLabel = "FILE", description = "The process spec (OCI process JSON); the other process options are ignored.")
    Path processFile;

    @Option(names = {"-d", "--detach"}, description = "Return once the process runs.")
    boolean detach;

    @Option(names = {"-t", "--tty"}, description = "Give the process a pseudo-terminal.")
    boolean tty;

    @Option(names = "--console-socket", paramLabel = "SOCKET", description = "Send the terminal's master to this unix socket.")
    String consoleSocket;

    @Option(names = "--pid-file", paramLabel = "FILE", description = "Write the process's pid to FILE (atomically).")
    Path pidFile;

    @Option(names = "--cwd", paramLabel = "DIR", description = "The working directory in the container.")
    String cwd;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE", description = "Set an environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]", description = "The user to run as.")
    String user;

    @Option(names = {"-g", "--additional-gids"}, paramLabel = "GID", description = "An additional group (repeatable).")
    List<Long> additionalGids = new ArrayList<>();

    @Option(names = {"-c", "--cap"}, paramLabel = "CAP", description = "Add a capability (repeatable).")
    List<String> caps = new ArrayList<>();

    @Option(names = "--no-new-privs", description = "Set no_new_privs for the process.")
    boolean noNewPrivs;

    @Option(names = "--apparmor", paramLabel = "PROFILE", description = "The AppArmor profile for the process.")
    String apparmor;

    @Option(names = "--process-label", paramLabel = "LABEL", description = "The SELinux label for the process.")
    String processLabel;

    @Option(names = "--preserve-fds", paramLabel = "N", description = "Pass N more descriptors, 3 to 3+N-1.")
    int preserveFds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = Main.err();
        if (processFile == null && args.isEmpty()) {
            err.println("jspec: exec needs ARGS or --process FILE");
            return ExitCodes.USAGE;
        }
        if (preserveFds < 0 || preserveFds > 1000) {
            err.println("jspec: --preserve-fds " + preserveFds + " is out of range (0 to 1000)");
            return ExitCodes.USAGE;
        }
        ContainerState state = Containers.find(id, err);
        if (state == null) {
            return ExitCodes.FAILURE;
        }
        String status = Containers.liveStatus(state);
        if (!status.equals("running") && !status.equals("created")) {
            err.println("jspec: cannot exec in container \"" + id + "\": it is " + status);
            return ExitCodes.FAILURE;
        }
        Spec container;
        Spec.Process process;
        try {
            container = BundleLoader.load(Path.of(state.bundle())).spec();
            process = processFile != null ? BundleLoader.loadProcess(processFile) : fromOptions(container.process());
        } catch (ConfigException e) {
            for (Diagnostic d : e.diagnostics()) {
                err.println(d);
            }
            return ExitCodes.CONFIG_ERROR;
        } catch (UncheckedIOException | IllegalArgumentException e) {
            err.println("jspec: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        if (process.terminal() && consoleSocket == null && detach) {
            err.println("jspec: a detached process with a terminal needs --console-socket to hand its terminal to");
            return ExitCodes.USAGE;
        }
        Spec withProcess = new Spec(container.ociVersion(), container.root(), container.mounts(), process, container.hostname(),
                container.domainname(), null, container.annotations(), container.linux());
        HostFacts host = Hosts.current();
        Plan plan = Planner.planExec(withProcess, new PlanContext(id, state.bundle(), host, preserveFds),
                state.pid(), state.cgroups());

        Forwarder forwarder = new Forwarder();
        if (!detach) {
            Signals.forward(FORWARDED_SIGNALS, forwarder::deliver);
        }
        Syscalls sys = new LinuxSyscalls();
        ParentExecutor executor = new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT, err::println);
        executor.warmCgroupAttach(host);
        int pid;
        try {
            pid = executor.spawn();
            executor.release();
            if (pidFile != null) {
                Launch.writePidFile(pidFile, pid);
            }
            if (consoleSocket != null && executor.ptyMaster() >= 0) {
                int socket = sys.connectUnix(consoleSocket);
                try {
                    sys.sendFd(socket, executor.ptyMaster(), "/dev/ptmx".getBytes(StandardCharsets.US_ASCII));
                } finally {
                    sys.close(socket);
                    sys.close(executor.ptyMaster());
                }
            }
        } catch (StepFailure f) {
            err.println("jspec: " + f.getMessage());
            return f.exitCode();
        } catch (IOException | SyscallException e) {
            executor.rollback();
            err.println("jspec: " + e.getMessage());
            return ExitCodes.START_FAILED;
        }
        if (detach) {
            return ExitCodes.OK;
        }
        TerminalProxy terminal = consoleSocket == null && executor.ptyMaster() >= 0 ? new TerminalProxy(sys, executor.ptyMaster()) : null;
        Thread output = terminal != null ? terminal.start() : null;
        forwarder.target(sys, pid, terminal);
        int waitStatus = sys.waitpid(pid);
        if (output != null) {
            try {
                output.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            terminal.close();
        }
        return ExitStatus.toExitCode(waitStatus);
    }

    /** runc's exec without --process: the container's own process, with the command line's changes. */
    private Spec.Process fromOptions(Spec.Process base) {
        Spec.Process p = base != null ? base : new Spec.Process(false, null, null, List.of(), List.of(), "/", null, List.of(),
                false, null, null, null);
        Map<String, String> vars = new LinkedHashMap<>();
        for (String kv : p.env()) {
            vars.put(kv.substring(0, Math.max(0, kv.indexOf('='))), kv);
        }
        for (String kv : env) {
            if (kv.indexOf('=') <= 0) {
                throw new IllegalArgumentException("--env " + kv + " is not NAME=VALUE");
            }
            vars.put(kv.substring(0, kv.indexOf('=')), kv);
        }
        Spec.User u = p.user() != null ? p.user() : new Spec.User(0, 0, null, List.of(), null);
        if (user != null) {
            String[] ids = user.split(":", 2);
            try {
                long uid = Long.parseLong(ids[0]);
                long gid = ids.length > 1 ? Long.parseLong(ids[1]) : u.gid();
                u = new Spec.User(uid, gid, u.umask(), u.additionalGids(), null);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--user " + user + " is not UID[:GID] (numbers; jspec does not read the container's /etc/passwd)");
            }
        }
        if (!additionalGids.isEmpty()) {
            u = new Spec.User(u.uid(), u.gid(), u.umask(), additionalGids, null);
        }
        Spec.Capabilities c = p.capabilities() != null ? p.capabilities()
                : new Spec.Capabilities(List.of(), List.of(), List.of(), List.of(), List.of());
        if (!caps.isEmpty()) {
            c = new Spec.Capabilities(plus(c.bounding()), plus(c.effective()), c.inheritable(), plus(c.permitted()),
                    c.inheritable().isEmpty() ? c.ambient() : plus(c.ambient()));
        }
        return new Spec.Process(tty, p.consoleSize(), u, args, List.copyOf(vars.values()), cwd != null ? cwd : p.cwd(), c,
                p.rlimits(), noNewPrivs || p.noNewPrivileges(), p.oomScoreAdj(),
                apparmor != null ? apparmor : p.apparmorProfile(), processLabel != null ? processLabel : p.selinuxLabel());
    }

    private List<String> plus(List<String> set) {
        List<String> out = new ArrayList<>(set);
        for (String cap : caps) {
            String name = cap.startsWith("CAP_") ? cap : "CAP_" + cap.toUpperCase(java.util.Locale.ROOT);
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** Signals to the exec'd process once it exists; the ones before are dropped (it does not run yet). */
    private static final class Forwarder {
        private Syscalls sys;
        private int pid;
        private TerminalProxy terminal;

        synchronized void deliver(String name, int number) {
            if (sys == null) {
                return;
            }
            if (name.equals("WINCH") && terminal != null) {
                terminal.resize();
            }
            try {
                sys.kill(pid, number);
            } catch (RuntimeException ignored) {
                // The process is already gone.
            }
        }

        synchronized void target(Syscalls s, int p, TerminalProxy t) {
            sys = s;
            pid = p;
            terminal = t;
        }
    }
}
