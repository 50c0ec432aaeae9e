package dev.jspec.cli;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.spec.BundleLoader;
import dev.jspec.spec.ConfigReader;
import dev.jspec.spec.JacksonTree;
import dev.jspec.util.ExitCodes;
import dev.jspec.util.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * runc's {@code list}: a table (ID, PID, STATUS, BUNDLE, CREATED, OWNER), the IDs alone
 * ({@code -q}), or {@code --format json}, runc's array of objects (ociVersion, id, pid,
 * status, bundle, rootfs, created, annotations when there are any, owner), {@code null}
 * when there is no container, as runc prints it.
 *
 * <p>jspec's state does not record the creation time, the root filesystem or the
 * annotations: the time is the state directory's (made when the ID is reserved, at create),
 * the owner is that directory's owner, and rootfs and annotations are read from the
 * bundle's config (json only; a config that cannot be read leaves them empty).
 */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List containers.")
final class ListCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    @Option(names = {"-q", "--quiet"}, description = "Print only the IDs.")
    boolean quiet;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    String format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One container as list shows it. */
    record Entry(String ociVersion, String id, int pid, String status, String bundle, String rootfs, String created,
            Map<String, String> annotations, String owner) {

        String toJson() {
            StringBuilder b = new StringBuilder("{");
            b.append("\"ociVersion\":").append(Json.quote(ociVersion));
            b.append(",\"id\":").append(Json.quote(id));
            b.append(",\"pid\":").append(pid);
            b.append(",\"status\":").append(Json.quote(status));
            b.append(",\"bundle\":").append(Json.quote(bundle));
            b.append(",\"rootfs\":").append(Json.quote(rootfs));
            b.append(",\"created\":").append(Json.quote(created));
            if (!annotations.isEmpty()) {
                b.append(",\"annotations\":{");
                int i = 0;
                for (Map.Entry<String, String> e : annotations.entrySet()) {
                    b.append(i++ == 0 ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                }
                b.append('}');
            }
            b.append(",\"owner\":").append(Json.quote(owner));
            return b.append('}').toString();
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("table") && !format.equals("json")) {
            throw GlobalOptions.Invalid.usage(spec.commandLine(), "invalid --format \"" + format + "\": use table or json");
        }
        boolean json = format.equals("json") && !quiet;
        List<Entry> entries = new ArrayList<>();
        for (String id : Main.stateStore().ids()) {
            ContainerState s;
            try {
                s = Main.stateStore().read(id);
            } catch (IOException e) {
                // As runc does: one container's bad state does not hide the others.
                err.println("jspec: skipping container \"" + id + "\": " + e.getMessage());
                continue;
            }
            entries.add(entry(id, s, json));
        }
        if (quiet) {
            entries.forEach(e -> out.println(e.id()));
        } else if (json) {
            out.println(json(entries));
        } else {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"));
            for (Entry e : entries) {
                rows.add(List.of(e.id(), Integer.toString(e.pid()), e.status(), e.bundle(), e.created(), e.owner()));
            }
            out.print(table(rows));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** runc's list as JSON: an array, or null when empty (Go encodes its nil slice so). */
    static String json(List<Entry> entries) {
        if (entries.isEmpty()) {
            return "null";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < entries.size(); i++) {
            b.append(i == 0 ? "" : ",").append(entries.get(i).toJson());
        }
        return b.append(']').toString();
    }

    /** Columns as Go's tabwriter lays out runc's: each at least 12 wide, 3 spaces after the longest cell; the last unpadded. */
    static String table(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns - 1; c++) {
                width[c] = Math.max(width[c], Math.max(12, row.get(c).length() + 3));
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                String cell = row.get(c);
                b.append(cell);
                if (c < columns - 1) {
                    b.append(" ".repeat(width[c] - cell.length()));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static Entry entry(String id, ContainerState s, boolean withConfig) {
        Path dir = Main.stateStore().root().resolve(id);
        String created = "";
        String owner = "";
        try {
            created = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).creationTime().toInstant().toString();
            owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException e) {
            // Removed meanwhile; the row still says what the state said.
        }
        if (s == null) {
            return new Entry(ContainerState.OCI_VERSION, id, 0, "creating", "", "", created, Map.of(), owner);
        }
        String status = Containers.liveStatus(s);
        int pid = status.equals("stopped") ? 0 : s.pid();
        String ociVersion = ContainerState.OCI_VERSION;
        String rootfs = "";
        Map<String, String> annotations = Map.of();
        JsonNode config = withConfig ? config(Path.of(s.bundle())) : null;
        if (config != null) {
            if (config.path("ociVersion").isString()) {
                ociVersion = config.path("ociVersion").stringValue();
            }
            if (config.path("root").path("path").isString()) {
                rootfs = Path.of(s.bundle()).resolve(config.path("root").path("path").stringValue()).normalize().toString();
            }
            Map<String, String> a = new LinkedHashMap<>();
            config.path("annotations").forEachEntry((k, v) -> a.put(k, v.isString() ? v.stringValue() : v.toString()));
            annotations = a;
        }
        return new Entry(ociVersion, id, pid, status, s.bundle(), rootfs, created, annotations, owner);
    }

    /** The bundle's config as a tree, unvalidated; null when there is none or it cannot be read. */
    private static JsonNode config(Path bundle) {
        for (String name : BundleLoader.CONFIG_NAMES) {
            Path file = bundle.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    return JacksonTree.of(ConfigReader.read(file, file.toString()).tree());
                } catch (IOException | dev.jspec.spec.ConfigException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
