package dev.jspec.cli;

import dev.jspec.exec.HookRunner;
import dev.jspec.spec.BundleLoader;
import dev.jspec.spec.ConfigException;
import dev.jspec.spec.Spec;
import dev.jspec.sys.Syscalls;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The hooks that are not part of a start's plan: poststart, which `start` and `run` run once
 * the program runs, and poststop, which `delete` and the end of `run` run once the container
 * is gone. runtime.md: a failure of either is a warning; the remaining hooks and the
 * operation go on.
 */
final class LifecycleHooks {

    static final String POSTSTART = "poststart";
    static final String POSTSTOP = "poststop";

    private LifecycleHooks() {}

    /** Runs the {@code kind} hooks of {@code spec}, one line on {@code err} for each that fails. */
    static void run(Syscalls sys, String kind, Spec spec, String id, int pid, String bundle, PrintWriter err) {
        if (spec == null || spec.hooks() == null) {
            return;
        }
        List<Spec.Hook> hooks = kind.equals(POSTSTART) ? spec.hooks().poststart() : spec.hooks().poststop();
        if (hooks.isEmpty()) {
            return;
        }
        List<String> annotations = new ArrayList<>();
        new TreeMap<>(spec.annotations()).forEach((k, v) -> {
            annotations.add(k);
            annotations.add(v);
        });
        String state = HookRunner.state(id, HookRunner.status(kind), pid, bundle, annotations);
        for (int i = 0; i < hooks.size(); i++) {
            Spec.Hook h = hooks.get(i);
            try {
                HookRunner.run(sys, h.path(), h.args(), h.env(), h.timeout(), state);
            } catch (HookRunner.Failed | dev.jspec.sys.SyscallException e) {
                err.println("jspec: warning: hook " + kind + "[" + i + "] " + h.path() + ": " + e.getMessage());
                err.flush();
            }
        }
    }

    /**
     * As {@link #run}, the hooks read again from the bundle's config (`start` and `delete`
     * are separate processes from the `create` that read it). A config that does not name
     * the kind at all is not parsed: most have no hooks, and these commands stay quick
     * (nor is {@code sys} asked for its system-call seam, whose set-up costs a JVM tens of
     * milliseconds).
     */
    static void runFromBundle(java.util.function.Supplier<Syscalls> sys, String kind, String id, int pid, String bundle, PrintWriter err) {
        Path dir = Path.of(bundle);
        // A loop, not a stream: every start and delete comes here, and a cold JVM maps a class
        // for each method reference and interprets each stage.
        Path config = null;
        for (String name : BundleLoader.CONFIG_NAMES) {
            if (Files.isRegularFile(dir.resolve(name))) {
                config = dir.resolve(name);
                break;
            }
        }
        try {
            if (config == null || !Files.readString(config).contains(kind)) {
                return;
            }
            run(sys.get(), kind, BundleLoader.loadLenient(dir).spec(), id, pid, bundle, err);
        } catch (IOException | UncheckedIOException e) {
            err.println("jspec: warning: cannot read " + config + " for its " + kind + " hooks: " + e.getMessage());
        } catch (ConfigException e) {
            err.println("jspec: warning: " + config + " is no longer valid; its " + kind + " hooks were not run: "
                    + e.diagnostics().getFirst());
        }
    }
}
