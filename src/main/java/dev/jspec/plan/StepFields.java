package dev.jspec.plan;

import dev.jspec.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Each Step type's fields, written out by hand, in record order: the plan's JSON is
 * written and read without reflection. The init decodes its plan at every container
 * start, and reflection over records (components, constructors as method handles) cost it
 * tens of milliseconds in a cold JVM. A Step type missing here still works through
 * {@link PlanCodec}'s reflective path; {@code StepFieldsTest} fails until it is added.
 */
final class StepFields {

    private StepFields() {}

    /** The step a {@code call} name and its fields describe, or null for a type not listed here. */
    static Step read(String call, Map<?, ?> m) {
        return switch (call) {
            case "CgroupMkdir" -> new Step.CgroupMkdir(str(m, "dir"), bool(m, "shared"));
            case "CgroupCopyFromParent" -> new Step.CgroupCopyFromParent(str(m, "dir"), str(m, "file"));
            case "CgroupWrite" -> new Step.CgroupWrite(str(m, "dir"), str(m, "file"), str(m, "value"));
            case "AttachDeviceFilter" -> new Step.AttachDeviceFilter(str(m, "dir"), strings(m, "rules"));
            case "CgroupJoin" -> new Step.CgroupJoin(strings(m, "dirs"));
            case "Unshare" -> new Step.Unshare(strings(m, "types"));
            case "Setns" -> new Step.Setns(str(m, "type"), str(m, "path"));
            case "Spawn" -> new Step.Spawn(strings(m, "argv"), bool(m, "terminal"), integer(m, "preservedFds"));
            case "ReadonlyBind" -> new Step.ReadonlyBind(str(m, "path"));
            case "LinkUp" -> new Step.LinkUp(str(m, "name"));
            case "Mount" -> new Step.Mount(
                    str(m, "source"), str(m, "target"), str(m, "fstype"), strings(m, "flags"), str(m, "data"));
            case "MountSetattr" -> new Step.MountSetattr(
                    str(m, "target"), strings(m, "attrSet"), strings(m, "attrClr"), bool(m, "recursive"));
            case "CreateMountPoint" -> new Step.CreateMountPoint(str(m, "target"), str(m, "bindSource"));
            case "Mknod" -> new Step.Mknod(
                    str(m, "path"), str(m, "type"), lng(m, "major"), lng(m, "minor"), integer(m, "mode"), lng(m, "uid"), lng(m, "gid"));
            case "Symlink" -> new Step.Symlink(str(m, "target"), str(m, "linkPath"));
            case "OpenRoot" -> new Step.OpenRoot(str(m, "path"));
            case "PivotRoot" -> new Step.PivotRoot(str(m, "newRoot"));
            case "Chdir" -> new Step.Chdir(str(m, "path"));
            case "MaskPath" -> new Step.MaskPath(str(m, "path"));
            case "ReadonlyPath" -> new Step.ReadonlyPath(str(m, "path"));
            case "WriteSysctl" -> new Step.WriteSysctl(str(m, "key"), str(m, "value"));
            case "Sethostname" -> new Step.Sethostname(str(m, "name"));
            case "Setdomainname" -> new Step.Setdomainname(str(m, "name"));
            case "OpenConsole" -> new Step.OpenConsole();
            case "Setrlimit" -> new Step.Setrlimit(str(m, "resource"), lng(m, "soft"), lng(m, "hard"));
            case "WriteOomScoreAdj" -> new Step.WriteOomScoreAdj(integer(m, "value"));
            case "ClearThreadCapabilities" -> new Step.ClearThreadCapabilities(lng(m, "uid"), lng(m, "gid"));
            case "CheckThreadCapabilities" -> new Step.CheckThreadCapabilities();
            case "CapbsetDrop" -> new Step.CapbsetDrop(strings(m, "caps"));
            case "SetKeepCaps" -> new Step.SetKeepCaps(bool(m, "keep"));
            case "Setgroups" -> new Step.Setgroups(longs(m, "gids"));
            case "Setresgid" -> new Step.Setresgid(lng(m, "gid"));
            case "Setresuid" -> new Step.Setresuid(lng(m, "uid"));
            case "Umask" -> new Step.Umask(integer(m, "mask"));
            case "Capset" -> new Step.Capset(strings(m, "effective"), strings(m, "permitted"), strings(m, "inheritable"));
            case "AmbientRaise" -> new Step.AmbientRaise(strings(m, "caps"));
            case "SetExecLabel" -> new Step.SetExecLabel(str(m, "lsm"), str(m, "label"));
            case "SetNoNewPrivs" -> new Step.SetNoNewPrivs();
            case "Seccomp" -> new Step.Seccomp(
                    str(m, "defaultAction"), strings(m, "architectures"), strings(m, "flags"), strings(m, "rules"));
            case "SeccompListener" -> new Step.SeccompListener(
                    str(m, "listenerPath"), str(m, "metadata"), str(m, "containerId"), str(m, "bundle"), strings(m, "annotations"));
            case "CloseFrom" -> new Step.CloseFrom(integer(m, "first"));
            case "AwaitStart" -> new Step.AwaitStart(str(m, "fifo"));
            case "CopyUp" -> new Step.CopyUp(str(m, "target"));
            case "Hook" -> new Step.Hook(str(m, "kind"), integer(m, "index"), str(m, "path"), strings(m, "args"), strings(m, "env"),
                    integer(m, "timeout"), str(m, "containerId"), str(m, "bundle"), strings(m, "annotations"));
            case "Execve" -> new Step.Execve(strings(m, "argv"), strings(m, "env"));
            default -> null;
        };
    }

    /** Appends {@code step}'s fields to {@code out}; false for a type not listed here (nothing appended). */
    static boolean write(Step step, Out out) {
        if (step instanceof Step.CgroupMkdir s) {
            out.field("dir", s.dir()).field("shared", s.shared());
            return true;
        }
        if (step instanceof Step.CgroupCopyFromParent s) {
            out.field("dir", s.dir()).field("file", s.file());
            return true;
        }
        if (step instanceof Step.CgroupWrite s) {
            out.field("dir", s.dir()).field("file", s.file()).field("value", s.value());
            return true;
        }
        if (step instanceof Step.AttachDeviceFilter s) {
            out.field("dir", s.dir()).field("rules", s.rules());
            return true;
        }
        if (step instanceof Step.CgroupJoin s) {
            out.field("dirs", s.dirs());
            return true;
        }
        if (step instanceof Step.Unshare s) {
            out.field("types", s.types());
            return true;
        }
        if (step instanceof Step.Setns s) {
            out.field("type", s.type()).field("path", s.path());
            return true;
        }
        if (step instanceof Step.Spawn s) {
            out.field("argv", s.argv()).field("terminal", s.terminal()).field("preservedFds", s.preservedFds());
            return true;
        }
        if (step instanceof Step.ReadonlyBind s) {
            out.field("path", s.path());
            return true;
        }
        if (step instanceof Step.LinkUp s) {
            out.field("name", s.name());
            return true;
        }
        if (step instanceof Step.Mount s) {
            out
                    .field("source", s.source())
                    .field("target", s.target())
                    .field("fstype", s.fstype())
                    .field("flags", s.flags())
                    .field("data", s.data());
            return true;
        }
        if (step instanceof Step.MountSetattr s) {
            out
                    .field("target", s.target())
                    .field("attrSet", s.attrSet())
                    .field("attrClr", s.attrClr())
                    .field("recursive", s.recursive());
            return true;
        }
        if (step instanceof Step.CreateMountPoint s) {
            out.field("target", s.target()).field("bindSource", s.bindSource());
            return true;
        }
        if (step instanceof Step.Mknod s) {
            out
                    .field("path", s.path())
                    .field("type", s.type())
                    .field("major", s.major())
                    .field("minor", s.minor())
                    .field("mode", s.mode())
                    .field("uid", s.uid())
                    .field("gid", s.gid());
            return true;
        }
        if (step instanceof Step.Symlink s) {
            out.field("target", s.target()).field("linkPath", s.linkPath());
            return true;
        }
        if (step instanceof Step.OpenRoot s) {
            out.field("path", s.path());
            return true;
        }
        if (step instanceof Step.PivotRoot s) {
            out.field("newRoot", s.newRoot());
            return true;
        }
        if (step instanceof Step.Chdir s) {
            out.field("path", s.path());
            return true;
        }
        if (step instanceof Step.MaskPath s) {
            out.field("path", s.path());
            return true;
        }
        if (step instanceof Step.ReadonlyPath s) {
            out.field("path", s.path());
            return true;
        }
        if (step instanceof Step.WriteSysctl s) {
            out.field("key", s.key()).field("value", s.value());
            return true;
        }
        if (step instanceof Step.Sethostname s) {
            out.field("name", s.name());
            return true;
        }
        if (step instanceof Step.Setdomainname s) {
            out.field("name", s.name());
            return true;
        }
        if (step instanceof Step.OpenConsole) {
            return true;
        }
        if (step instanceof Step.Setrlimit s) {
            out.field("resource", s.resource()).field("soft", s.soft()).field("hard", s.hard());
            return true;
        }
        if (step instanceof Step.WriteOomScoreAdj s) {
            out.field("value", s.value());
            return true;
        }
        if (step instanceof Step.ClearThreadCapabilities s) {
            out.field("uid", s.uid()).field("gid", s.gid());
            return true;
        }
        if (step instanceof Step.CheckThreadCapabilities) {
            return true;
        }
        if (step instanceof Step.CapbsetDrop s) {
            out.field("caps", s.caps());
            return true;
        }
        if (step instanceof Step.SetKeepCaps s) {
            out.field("keep", s.keep());
            return true;
        }
        if (step instanceof Step.Setgroups s) {
            out.field("gids", s.gids());
            return true;
        }
        if (step instanceof Step.Setresgid s) {
            out.field("gid", s.gid());
            return true;
        }
        if (step instanceof Step.Setresuid s) {
            out.field("uid", s.uid());
            return true;
        }
        if (step instanceof Step.Umask s) {
            out.field("mask", s.mask());
            return true;
        }
        if (step instanceof Step.Capset s) {
            out.field("effective", s.effective()).field("permitted", s.permitted()).field("inheritable", s.inheritable());
            return true;
        }
        if (step instanceof Step.AmbientRaise s) {
            out.field("caps", s.caps());
            return true;
        }
        if (step instanceof Step.SetExecLabel s) {
            out.field("lsm", s.lsm()).field("label", s.label());
            return true;
        }
        if (step instanceof Step.SetNoNewPrivs) {
            return true;
        }
        if (step instanceof Step.Seccomp s) {
            out
                    .field("defaultAction", s.defaultAction())
                    .field("architectures", s.architectures())
                    .field("flags", s.flags())
                    .field("rules", s.rules());
            return true;
        }
        if (step instanceof Step.SeccompListener s) {
            out
                    .field("listenerPath", s.listenerPath())
                    .field("metadata", s.metadata())
                    .field("containerId", s.containerId())
                    .field("bundle", s.bundle())
                    .field("annotations", s.annotations());
            return true;
        }
        if (step instanceof Step.CloseFrom s) {
            out.field("first", s.first());
            return true;
        }
        if (step instanceof Step.CopyUp s) {
            out.field("target", s.target());
            return true;
        }
        if (step instanceof Step.AwaitStart s) {
            out.field("fifo", s.fifo());
            return true;
        }
        if (step instanceof Step.Hook s) {
            out
                    .field("kind", s.kind())
                    .field("index", s.index())
                    .field("path", s.path())
                    .field("args", s.args())
                    .field("env", s.env())
                    .field("timeout", s.timeout())
                    .field("containerId", s.containerId())
                    .field("bundle", s.bundle())
                    .field("annotations", s.annotations());
            return true;
        }
        if (step instanceof Step.Execve s) {
            out.field("argv", s.argv()).field("env", s.env());
            return true;
        }
        return false;
    }

    /** Fields as {@code ,"name":value}, values as {@link PlanCodec} writes them. */
    static final class Out {
        private final StringBuilder b;

        Out(StringBuilder b) {
            this.b = b;
        }

        Out field(String name, String value) {
            name(name);
            if (value == null) {
                b.append("null");
            } else {
                Json.writeString(b, value);
            }
            return this;
        }

        Out field(String name, boolean value) {
            name(name).append(value);
            return this;
        }

        Out field(String name, long value) {
            name(name).append(value);
            return this;
        }

        Out field(String name, List<?> values) {
            StringBuilder out = name(name);
            if (values == null) {
                out.append("null");
                return this;
            }
            out.append('[');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                Object v = values.get(i);
                if (v instanceof String s) {
                    Json.writeString(out, s);
                } else {
                    out.append(v);
                }
            }
            out.append(']');
            return this;
        }

        private StringBuilder name(String name) {
            return b.append(",\"").append(name).append("\":");
        }
    }

    private static String str(Map<?, ?> m, String name) {
        return (String) m.get(name);
    }

    private static boolean bool(Map<?, ?> m, String name) {
        Object v = m.get(name);
        return v != null && (Boolean) v;
    }

    private static int integer(Map<?, ?> m, String name) {
        Object v = m.get(name);
        return v == null ? 0 : (int) ((Number) v).longValue();
    }

    private static long lng(Map<?, ?> m, String name) {
        Object v = m.get(name);
        return v == null ? 0L : ((Number) v).longValue();
    }

    private static List<String> strings(Map<?, ?> m, String name) {
        Object v = m.get(name);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object item : (List<?>) v) {
            out.add((String) item);
        }
        return List.copyOf(out);
    }

    private static List<Long> longs(Map<?, ?> m, String name) {
        Object v = m.get(name);
        if (v == null) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (Object item : (List<?>) v) {
            out.add(((Number) item).longValue());
        }
        return List.copyOf(out);
    }
}
