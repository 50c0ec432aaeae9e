package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jspec.lifecycle.StateStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The fast way in ({@link FastPath}) against picocli: every hot command line an engine sends
 * fills the same command fields and global settings through both, and everything else is
 * left to picocli.
 */
class FastPathTest {

    /** Lines as engines and runtime-tools send them (DESIGN.md "What real callers send"), and variants. */
    @ParameterizedTest
    @ValueSource(strings = {
        // podman with conmon
        "create --bundle /b --pid-file /p/pid c1",
        "create --bundle /b --pid-file /p/pid --console-socket /s/sock c1",
        "start c1",
        "exec --pid-file /p/pid --process /p/process.json --detach c1",
        "exec --pid-file /p/pid --process /p/process.json --detach --tty --console-socket /s/sock c1",
        "kill c1 15",
        "kill c1 9",
        "delete --force c1",
        // containerd's runc shim
        "--root /r --log /l/log.json --log-format json create --bundle /b --pid-file /p/pid c1",
        "--root /r --log /l/log.json --log-format json start c1",
        "--root /r --log /l/log.json --log-format json delete c1",
        "--root /r --log /l/log.json --log-format json delete --force c1",
        "--root /r --log /l/log.json --log-format json kill --all c1 9",
        "--root /r --log /l/log.json --log-format json exec --process /p/p.json --detach --pid-file /p/pid c1",
        // runtime-tools and people
        "state c1",
        "kill c1",
        "kill c1 KILL",
        "kill -a c1 SIGTERM",
        "delete c1",
        "delete -f c1",
        "run c1",
        "run bundles/hello",
        "run",
        "run -d --bundle /b --pid-file /p c1",
        "run -b /b --preserve-fds 2 --no-pivot --no-new-keyring c1",
        "create -b /b --preserve-fds 3 --no-pivot --no-new-keyring c1",
        "exec c1 sh -c echo --root x",
        "exec c1",
        "exec -e A=1 --env B=2 -u 1000:1000 -g 5 -g 6 -c CAP_KILL --cwd /tmp --no-new-privs c1 ls -l",
        "exec --apparmor prof --process-label lab --preserve-fds 1 -t c1 sh",
        // global options after the command word, and the = forms
        "state --root /r c1",
        "create --root /r --bundle=/b --pid-file=/p c1",
        "--root=/r --log=/l --log-format=text state c1",
        "--debug state c1",
        "state c1 --debug",
        "--rootless false --criu /usr/sbin/criu state c1",
        "--rootless auto state c1",
        "--rootless true state c1",
        "--systemd-cgroup create --bundle /b c1",
        "--log-format JSON state c1",
        "delete c1 --force",
    })
    void aHotLineParsesAsPicocliParsesIt(String line) throws Exception {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        Map<String, Object> viaPicocli = picocli(args);
        fresh();
        Object command = FastPath.parse(args);
        assertNotNull(command, "the fast path should take: " + line);
        Map<String, Object> viaFast = fields(command);
        viaFast.putAll(globals());
        assertEquals(viaPicocli, viaFast, line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "--help",
        "-h",
        "--version",
        "-V",
        "create --help",
        "state -h",
        "create",
        "create a b",
        "state",
        "kill --bogus x",
        "kill c1 -9",
        "kill c1 9 extra",
        "list",
        "spec",
        "rm c1",
        "pause c1",
        "help create",
        "create -bX c1",
        "create -b=/x c1",
        "create --bundle",
        "create --bundle --pid-file c1",
        "create --bundle /a --bundle /b c1",
        "create -b /a --bundle /b c1",
        "create --preserve-fds x c1",
        "create --preserve-fds 010 c1",
        "create --preserve-fds -1 c1",
        "create --no-pivot=true c1",
        "--root /a --root /b state c1",
        "--root /a state --root /b c1",
        "--log-format xml state c1",
        "--rootless maybe state c1",
        "--debug=true state c1",
        "--root",
        "--root /r",
        "state -- c1",
        "exec c1 sh -- x",
        "exec c1 echo @args",
        "@args",
        "exec -dt c1 sh",
        "exec -g x c1 sh",
        "delete -f -f c1",
        "run a b",
        "state -",
    })
    void anythingUnusualIsLeftToPicocli(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        fresh();
        assertNull(FastPath.parse(args), line);
        // ... and sets nothing on its way out.
        assertEquals(fresh(), globals(), line);
    }

    /** Main's per-line state, as a new process has it; returns the globals it leaves. */
    private static Map<String, Object> fresh() {
        Main.reset(new PrintWriter(new StringWriter()));
        Main.debug = false;
        Main.stateRoot = Path.of(StateStore.DEFAULT_ROOT);
        return globals();
    }

    private static Map<String, Object> globals() {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("debug", Main.debug);
        g.put("root", Main.stateRoot);
        g.put("log", Main.log().file());
        g.put("log-format", Main.log().format());
        g.put("systemd-cgroup", Main.systemdCgroup);
        g.put("rootless", Main.rootless);
        return g;
    }

    /** What picocli fills, parsing the line as Main.execute has it parse. */
    private static Map<String, Object> picocli(String[] args) throws Exception {
        fresh();
        CommandLine cli = Main.commandLine(args);
        String[] rest = cli.getCommand() instanceof Main ? args : Arrays.copyOfRange(args, 1, args.length);
        CommandLine.ParseResult result = cli.parseArgs(rest);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        Map<String, Object> f = fields(result.commandSpec().userObject());
        f.putAll(globals());
        return f;
    }

    /** The command's option and parameter fields by name, with its class. */
    private static Map<String, Object> fields(Object command) throws IllegalAccessException {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("class", command.getClass().getSimpleName());
        for (Field field : command.getClass().getDeclaredFields()) {
            if (field.isAnnotationPresent(CommandLine.Option.class) || field.isAnnotationPresent(CommandLine.Parameters.class)) {
                field.setAccessible(true);
                Object v = field.get(command);
                f.put(field.getName(), v instanceof List<?> list ? new ArrayList<>(list) : v);
            }
        }
        return f;
    }
}
