package dev.jspec.plan;

import dev.jspec.util.Json;
import java.util.List;
import java.util.stream.Collectors;

/** The one-line, C-like rendering of a step: what {@code jspec plan} prints and errors quote. */
public final class StepText {

    private StepText() {}

    public static String call(Step step) {
        return switch (step) {
            case Step.CgroupMkdir s -> "mkdir(" + q(s.dir()) + ")" + (s.shared() ? " [shared by jspec's containers]" : "");
            case Step.CgroupCopyFromParent s -> "copy " + s.file() + " from parent into " + q(s.dir());
            case Step.CgroupWrite s -> "write(" + q(s.dir() + "/" + s.file()) + ", " + q(s.value()) + ")";
            case Step.AttachDeviceFilter s -> "bpf(BPF_PROG_LOAD, CGROUP_DEVICE, " + s.rules().size() + " rules) + bpf(BPF_PROG_ATTACH, "
                    + q(s.dir()) + ", BPF_CGROUP_DEVICE)";
            case Step.CgroupJoin s -> "write(cgroup.procs, <init pid>) in " + s.dirs().stream().map(StepText::q).collect(Collectors.joining(", "));
            case Step.Unshare s -> "unshare(" + flags(s.types().stream().map(StepText::cloneFlag).toList()) + ")";
            case Step.Setns s -> "setns(open(" + q(s.path()) + "), " + cloneFlag(s.type()) + ")";
            case Step.Spawn s -> "posix_spawn(" + String.join(" ", s.argv()) + (s.terminal() ? ") with a pseudo-terminal on 0,1,2" : ")")
                    + (s.preservedFds() > 0 ? " passing fds 3.." + (2 + s.preservedFds()) + " through" : "");
            case Step.ReadonlyBind s -> "mount(" + q(s.path()) + ", " + q(s.path())
                    + ", NULL, MS_BIND|MS_REC, NULL) + mount_setattr(AT_RECURSIVE, set=MOUNT_ATTR_RDONLY)";
            case Step.LinkUp s -> "ioctl(SIOCSIFFLAGS, " + q(s.name()) + ", IFF_UP)";
            case Step.Mount s -> "mount(" + q(s.source()) + ", " + q(s.target()) + ", " + q(s.fstype()) + ", "
                    + flags(s.flags()) + ", " + q(s.data()) + ")";
            case Step.MountSetattr s -> "mount_setattr(" + q(s.target()) + ", " + (s.recursive() ? "AT_RECURSIVE" : "0")
                    + ", set=" + flags(s.attrSet()) + (s.attrClr().isEmpty() ? "" : ", clr=" + flags(s.attrClr())) + ")";
            case Step.CreateMountPoint s -> s.bindSource() == null
                    ? "mkdir -p " + q(s.target())
                    : "mkdir -p or touch " + q(s.target()) + " (as " + q(s.bindSource()) + " is)";
            case Step.Mknod s -> "mknod(" + q(s.path()) + ", " + s.type() + " " + s.major() + ":" + s.minor()
                    + ", 0" + Integer.toOctalString(s.mode()) + ") + chown(" + s.uid() + ", " + s.gid() + ")";
            case Step.Symlink s -> "symlink(" + q(s.target()) + ", " + q(s.linkPath()) + ")";
            case Step.OpenRoot s -> "open(" + q(s.path()) + ", O_PATH) as the container's root; its paths below resolve in it";
            case Step.PivotRoot s -> "chdir(" + q(s.newRoot()) + "); pivot_root(\".\", \".\"); umount2(\".\", MNT_DETACH)";
            case Step.Chdir s -> "chdir(" + q(s.path()) + ")";
            case Step.MaskPath s -> "mask " + q(s.path()) + " (bind /dev/null, or a read-only tmpfs on a directory)";
            case Step.ReadonlyPath s -> "mount(" + q(s.path()) + ", " + q(s.path()) + ", MS_BIND|MS_REC) + remount MS_RDONLY";
            case Step.WriteSysctl s -> "write(" + q("/proc/sys/" + s.key().replace('.', '/')) + ", " + q(s.value()) + ")";
            case Step.Sethostname s -> "sethostname(" + q(s.name()) + ")";
            case Step.Setdomainname s -> "setdomainname(" + q(s.name()) + ")";
            case Step.OpenConsole s -> "open(\"/dev/ptmx\"); dup2(slave, 0..2); setsid(); ioctl(0, TIOCSCTTY); sendmsg(console socket, SCM_RIGHTS master)";
            case Step.Setrlimit s -> "prlimit(0, " + s.resource() + ", {soft=" + limit(s.soft()) + ", hard=" + limit(s.hard()) + "})";
            case Step.WriteOomScoreAdj s -> "write(\"/proc/self/oom_score_adj\", \"" + s.value() + "\")";
            case Step.ClearThreadCapabilities s -> "setgroups([]) + setresgid(" + s.gid() + ") + setresuid(" + s.uid()
                    + ") in every thread (glibc setxid, PR_SET_KEEPCAPS here), then capset + raw setresgid(0) + setresuid(0) in this thread";
            case Step.CheckThreadCapabilities s ->
                    "check that every other thread has CapPrm = CapEff = CapAmb = 0 (fsopen(\"proc\") + fsmount, self/task/*/status)";
            case Step.CapbsetDrop s -> "prctl(PR_CAPBSET_DROP, " + list(s.caps()) + ")";
            case Step.SetKeepCaps s -> "prctl(PR_SET_KEEPCAPS, " + (s.keep() ? 1 : 0) + ")";
            case Step.Setgroups s -> "setgroups(" + s.gids() + ")";
            case Step.Setresgid s -> "setresgid(" + s.gid() + ", " + s.gid() + ", " + s.gid() + ")";
            case Step.Setresuid s -> "setresuid(" + s.uid() + ", " + s.uid() + ", " + s.uid() + ")";
            case Step.Umask s -> "umask(0" + Integer.toOctalString(s.mask()) + ")";
            case Step.Capset s -> "capset(effective=" + list(s.effective()) + ", permitted=" + list(s.permitted())
                    + ", inheritable=" + list(s.inheritable()) + ")";
            case Step.AmbientRaise s -> "prctl(PR_CAP_AMBIENT_RAISE, " + list(s.caps()) + ")";
            case Step.SetExecLabel s -> s.lsm().equals(HostFacts.APPARMOR)
                    ? "write(\"/proc/thread-self/attr/apparmor/exec\", " + q("exec " + s.label()) + ")"
                    : "write(\"/proc/thread-self/attr/exec\", " + q(s.label()) + ") [" + s.lsm() + "]";
            case Step.SetNoNewPrivs s -> "prctl(PR_SET_NO_NEW_PRIVS, 1)";
            case Step.Seccomp s -> dev.jspec.plan.SeccompProfile.summary(s);
            case Step.SeccompListener s -> "recvmsg(seccomp listener fd from the init) + connect(" + q(s.listenerPath())
                    + ") + sendmsg(container process state, SCM_RIGHTS listener fd)";
            case Step.CloseFrom s -> "close_range(" + s.first() + ", ~0, CLOSE_RANGE_CLOEXEC)";
            case Step.CopyUp s -> "open(" + q(s.target()) + ") to copy what it holds into the tmpfs mounted on it next (tmpcopyup)";
            case Step.AwaitStart s -> "open(" + q(s.fifo()) + ", O_WRONLY) waits for `jspec start`; write(\"0\")";
            case Step.Hook s -> "hook " + s.kind() + "[" + s.index() + "]: " + q(s.path()) + " "
                    + s.args().stream().map(StepText::q).collect(Collectors.joining(", ", "[", "]")) + " env[" + s.env().size()
                    + "], the state on stdin" + (s.timeout() > 0 ? ", timeout " + s.timeout() + "s" : "");
            case Step.Execve s -> "execve(" + q(s.argv().isEmpty() ? null : s.argv().get(0)) + ", "
                    + s.argv().stream().map(StepText::q).collect(Collectors.joining(", ", "[", "]")) + ", env["
                    + s.env().size() + "])";
        };
    }

    /** The spec's namespace type as the kernel's clone flag. */
    public static String cloneFlag(String type) {
        return switch (type) {
            case "mount" -> "CLONE_NEWNS";
            case "uts" -> "CLONE_NEWUTS";
            case "ipc" -> "CLONE_NEWIPC";
            case "network" -> "CLONE_NEWNET";
            case "pid" -> "CLONE_NEWPID";
            case "cgroup" -> "CLONE_NEWCGROUP";
            case "user" -> "CLONE_NEWUSER";
            case "time" -> "CLONE_NEWTIME";
            default -> type;
        };
    }

    private static String flags(List<String> flags) {
        return flags.isEmpty() ? "0" : String.join("|", flags);
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "[]" : "[" + String.join(", ", items) + "]";
    }

    private static String limit(long v) {
        return v == -1 ? "unlimited" : Long.toUnsignedString(v);
    }

    static String q(String s) {
        if (s == null) {
            return "NULL";
        }
        StringBuilder b = new StringBuilder();
        Json.writeString(b, s);
        return b.toString();
    }
}
