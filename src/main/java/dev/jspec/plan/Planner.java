package dev.jspec.plan;

import dev.jspec.cgroup.CgroupLayout;
import dev.jspec.spec.DefaultDevices;
import dev.jspec.spec.Spec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a Spec into the ordered steps of one container start. A pure function: no I/O, no
 * clock, no environment; the host's facts come in through {@link PlanContext}. A
 * schema-valid Spec never makes it throw: what cannot be planned is left out and said in
 * {@link Planned#notes()}.
 *
 * <p>The parent makes the cgroups, enters or unshares the namespaces on its spawner thread,
 * spawns the init and puts it in the cgroups. The init then builds the root filesystem,
 * sets up the process and execs. Each step list below is in the order the kernel sees it.
 */
public final class Planner {

    /** The overflow uid and gid, "nobody": where the init parks the threads that must hold no capabilities. */
    private static final long NOBODY = 65534;

    /** Namespaces the parent unshares, in the order their flags are printed. */
    private static final List<String> UNSHARE_ORDER = List.of("mount", "uts", "ipc", "network", "pid", "user", "time");

    /** A plan and what it leaves out. */
    public record Planned(Plan plan, List<String> notes) {
        public Planned {
            notes = List.copyOf(notes);
        }
    }

    private final Spec spec;
    private final PlanContext ctx;
    private final List<Plan.Entry> entries = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Planner(Spec spec, PlanContext ctx) {
        this.spec = spec;
        this.ctx = ctx;
    }

    public static Plan plan(Spec spec, PlanContext ctx) {
        return planWithNotes(spec, ctx).plan();
    }

    public static Planned planWithNotes(Spec spec, PlanContext ctx) {
        Planner p = new Planner(spec, ctx);
        p.parent();
        p.init();
        return new Planned(new Plan(p.entries), p.notes);
    }

    /** The cgroup directories the init joins (one per v1 hierarchy, or one on v2). */
    private List<String> cgroupLeaves = List.of();

    // ---- the parent ----

    /**
     * The plan of `jspec exec`: a new process in the namespaces and cgroups of the container
     * whose init is {@code initPid}. The spawner thread joins every namespace of the
     * container's but the mount and cgroup ones, which the new init joins itself (the mount
     * one from a thread of its own fs, the cgroup one once it is in the container's cgroups);
     * from there on it is {@code spec.process()} set up as a container's init sets up its own.
     */
    public static Plan planExec(Spec spec, PlanContext ctx, int initPid, List<String> cgroupDirs) {
        List<Spec.Namespace> joined = new ArrayList<>();
        if (spec.linux() != null) {
            for (Spec.Namespace ns : spec.linux().namespaces()) {
                joined.add(new Spec.Namespace(ns.type(), "/proc/" + initPid + "/ns/" + NAMESPACE_FILES.get(ns.type())));
            }
        }
        Spec.Linux l = spec.linux();
        Spec.Linux linux = l == null ? null : new Spec.Linux(joined, l.uidMappings(), l.gidMappings(), l.timeOffsets(), l.devices(),
                l.cgroupsPath(), l.resources(), l.sysctl(), l.seccomp(), l.rootfsPropagation(), l.maskedPaths(),
                l.readonlyPaths(), l.mountLabel(), l.personality());
        Spec exec = new Spec(spec.ociVersion(), spec.root(), spec.mounts(), spec.process(), spec.hostname(), spec.domainname(),
                null, spec.annotations(), linux);
        Planner p = new Planner(exec, ctx);
        p.spawnInit(exec.process() != null && exec.process().terminal());
        p.cgroupLeaves = List.copyOf(cgroupDirs);
        String mountPath = p.joinedNamespace("mount");
        if (mountPath != null) {
            p.add(Actor.INIT, new Step.Setns("mount", mountPath));
        }
        if (exec.process() != null) {
            p.process(exec.process());
        }
        return new Plan(p.entries);
    }

    /** Each namespace type's file under /proc/PID/ns. */
    private static final Map<String, String> NAMESPACE_FILES = Map.of("pid", "pid", "network", "net", "mount", "mnt", "ipc", "ipc",
            "uts", "uts", "user", "user", "cgroup", "cgroup", "time", "time");

    /**
     * The init is spawned first, its cgroups made while it starts: the init joins them only
     * later (see {@link #process}), and a start whose config asks for the usual namespaces
     * can spawn it before the config is even read (see {@link #prelude}).
     */
    private void parent() {
        spawnInit(spec.process() != null && spec.process().terminal());
        CgroupPlanner.CgroupPlan cgroups = CgroupPlanner.plan(spec, ctx.containerId(), ctx.host());
        cgroups.steps().forEach(s -> add(Actor.PARENT, s));
        notes.addAll(cgroups.notes());
        cgroupLeaves = cgroups.leafDirs();
    }

    /** The namespaces runc's, podman's and containerd's default configs make: the ones {@link #prelude} guesses. */
    public static final List<String> USUAL_NAMESPACES = List.of("pid", "network", "ipc", "uts", "mount");

    /**
     * The steps the plan of any config that makes {@link #USUAL_NAMESPACES} (a cgroup
     * namespace besides is the init's own step) and joins none starts with, up to and
     * including the spawn of the init: the namespaces made, the init's files made read-only
     * in them, the init spawned. They depend on nothing else in the config, so a start can
     * run them before it has read the config, while the init JVM boots beside the parent's
     * reading and planning; once the plan is made, its first steps must be exactly these, or
     * the early init is killed and the plan runs from its first step.
     */
    public static List<Plan.Entry> prelude(PlanContext ctx, boolean terminal) {
        List<Spec.Namespace> namespaces = USUAL_NAMESPACES.stream().map(t -> new Spec.Namespace(t, null)).toList();
        Spec.Linux linux = new Spec.Linux(namespaces, List.of(), List.of(), Map.of(), List.of(), null, null, Map.of(), null,
                null, List.of(), List.of(), null, null);
        Planner p = new Planner(new Spec(Spec.OCI_VERSION, null, List.of(), null, null, null, null, Map.of(), linux), ctx);
        p.spawnInit(terminal);
        return List.copyOf(p.entries);
    }

    /** Namespaces joined and made, the init's own files protected, and the init spawned. */
    private void spawnInit(boolean terminal) {

        // mount and cgroup namespaces are the init's: the mount namespace must be joined by the
        // process that builds the root, and the cgroup namespace after the init is in its cgroup.
        for (Spec.Namespace ns : namespaces()) {
            if (ns.path() != null && !ns.type().equals("mount") && !ns.type().equals("cgroup")) {
                add(Actor.PARENT, new Step.Setns(ns.type(), ns.path()));
            }
        }
        // The init's own files are made read-only in a mount namespace of its own: one it
        // creates, or a private one it leaves again when it joins the configured one.
        boolean protect = !ctx.host().initFiles().isEmpty() && (createsNamespace("mount") || joinedNamespace("mount") != null);
        List<String> unshare = UNSHARE_ORDER.stream()
                .filter(t -> createsNamespace(t) || (protect && t.equals("mount"))).toList();
        if (!unshare.isEmpty()) {
            add(Actor.PARENT, new Step.Unshare(unshare));
        }
        if (protect) {
            readonlyInitFiles();
        } else if (!ctx.host().initFiles().isEmpty()) {
            notes.add("no mount namespace: the init's own files (java, the JDK, the jars) are not made read-only in its view");
        }
        add(Actor.PARENT, new Step.Spawn(ctx.host().initCommand(), terminal, ctx.preserveFds()));
    }

    /**
     * CVE-2019-5736: a container that reaches the init's binary through /proc/PID/exe (or an
     * entrypoint resolving to /proc/self/exe), its descriptors or its map_files must not get
     * a writable handle. Each file the init maps or opens is bound onto itself read-only in
     * the spawner thread's new mount namespace, before the spawn, so the init opens and maps
     * them all through read-only mounts; the host's mounts do not change. The propagation
     * change comes first: on a host whose root is shared (systemd's default) the binds would
     * otherwise appear in the host's namespace.
     */
    private void readonlyInitFiles() {
        add(Actor.PARENT, new Step.Mount(null, "/", null, List.of("MS_REC", "MS_SLAVE"), null));
        for (String path : ctx.host().initFiles()) {
            add(Actor.PARENT, new Step.ReadonlyBind(path));
        }
        // A copy of a read-only mount is read-only: what the container gets from under these
        // paths is read-only too, unless a bind's "rw" clears it again.
        List<String> sources = new ArrayList<>();
        if (spec.root() != null) {
            sources.add(LexicalPath.resolve(ctx.bundleDir(), spec.root().path()));
        }
        for (Spec.Mount m : spec.mounts()) {
            if (m.source() != null && ("bind".equals(m.type()) || MountOptions.parse(m.options()).bind())) {
                sources.add(LexicalPath.resolve(ctx.bundleDir(), m.source()));
            }
        }
        for (String source : sources) {
            for (String path : ctx.host().initFiles()) {
                if (source.equals(path) || source.startsWith(path + "/")) {
                    notes.add(source + " lies in " + path + ", which jspec makes read-only for its init: the container sees it read-only");
                }
            }
        }
    }

    // ---- the init ----

    private void init() {
        String mountPath = joinedNamespace("mount");
        if (mountPath != null) {
            add(Actor.INIT, new Step.Setns("mount", mountPath));
        }
        if (createsNamespace("mount") && spec.root() != null) {
            rootfs();
        } else if (spec.root() != null) {
            notes.add("no new mount namespace: the root filesystem is not set up (no pivot_root in a namespace jspec does not own)");
        } else {
            notes.add("no root in the config: the root filesystem is not set up");
        }

        if (createsNamespace("network")) {
            add(Actor.INIT, new Step.LinkUp("lo"));
        }
        // Without a UTS namespace these would rename the host.
        boolean uts = hasNamespace("uts");
        if (nonEmpty(spec.hostname())) {
            if (uts) {
                add(Actor.INIT, new Step.Sethostname(spec.hostname()));
            } else {
                notes.add("hostname is set but there is no uts namespace; not set");
            }
        }
        if (nonEmpty(spec.domainname())) {
            if (uts) {
                add(Actor.INIT, new Step.Setdomainname(spec.domainname()));
            } else {
                notes.add("domainname is set but there is no uts namespace; not set");
            }
        }

        Spec.Process process = spec.process();
        if (process == null) {
            notes.add("no process in the config: nothing to execute");
            return;
        }
        process(process);
        if (spec.linux() != null && nonEmpty(spec.linux().mountLabel()) && !ctx.host().lsms().contains(HostFacts.SELINUX)) {
            notes.add("linux.mountLabel is set but SELinux is not enabled on this host: not applied (run refuses the config)");
        }
        Spec.Hooks h = spec.hooks();
        if (h != null && !(h.poststart().isEmpty() && h.poststop().isEmpty())) {
            notes.add("poststart and poststop hooks are not in this plan: `start` (or `run`) runs poststart once the program"
                    + " runs, `delete` (or the end of `run`) runs poststop");
        }
    }

    /** Whether {@link #creationHooks()} has placed its steps (before pivot_root, when there is one). */
    private boolean creationHooksPlanned;

    /**
     * prestart (deprecated) and createRuntime, run by the parent in the runtime's namespaces,
     * then createContainer, run by the init in the container's mount namespace: once the
     * namespaces and mounts exist, before pivot_root, as runc runs them. The init asks the
     * parent for its part when it gets there.
     */
    private void creationHooks() {
        creationHooksPlanned = true;
        Spec.Hooks h = spec.hooks();
        if (h == null) {
            return;
        }
        hooks(Actor.PARENT, "prestart", h.prestart());
        hooks(Actor.PARENT, "createRuntime", h.createRuntime());
        hooks(Actor.INIT, "createContainer", h.createContainer());
    }

    private void hooks(Actor actor, String kind, List<Spec.Hook> hooks) {
        List<String> annotations = new ArrayList<>();
        new TreeMap<>(spec.annotations()).forEach((k, v) -> {
            annotations.add(k);
            annotations.add(v);
        });
        for (int i = 0; i < hooks.size(); i++) {
            Spec.Hook hook = hooks.get(i);
            add(actor, new Step.Hook(kind, i, hook.path(), hook.args(), hook.env(), hook.timeout() == null ? 0 : hook.timeout(), ctx.containerId(),
                    ctx.bundleDir(), annotations));
        }
    }

    /**
     * The root filesystem, built before pivot_root: make the host's mounts stop propagating
     * into ours, bind the rootfs onto itself so it is a mount point, open it, and make every
     * mount, node and link of the container through paths resolved inside it. Then pivot
     * into it, with the old root stacked on top and detached at once, and lock down.
     */
    private void rootfs() {
        Spec.Linux linux = spec.linux();
        String rootfs = LexicalPath.resolve(ctx.bundleDir(), spec.root().path());
        String propagation = linux == null ? null : linux.rootfsPropagation();

        // MS_REC|MS_SLAVE (runc's default) keeps the host's mount events coming in but none of
        // ours going out, the rootfs bind included. A configured "private" is applied here;
        // shared and unbindable are applied to the new root at the end, as runc does.
        add(Actor.INIT, new Step.Mount(null, "/", null,
                List.of("MS_REC", "private".equals(propagation) ? "MS_PRIVATE" : "MS_SLAVE"), null));
        add(Actor.INIT, new Step.Mount(rootfs, rootfs, null, List.of("MS_BIND", "MS_REC"), null));
        add(Actor.INIT, new Step.OpenRoot(rootfs));

        boolean devBound = false;
        boolean procMounted = false;
        boolean devpts = false;
        List<Step> readonlyLater = new ArrayList<>();
        for (Spec.Mount m : spec.mounts()) {
            String dest = LexicalPath.clean(m.destination() == null ? "/" : m.destination());
            if ("cgroup".equals(m.type()) || "cgroup2".equals(m.type())) {
                cgroupMount(m, dest);
                continue;
            }
            if (mount(m, dest, readonlyLater)) {
                devBound |= dest.equals("/dev");
            }
            procMounted |= "proc".equals(m.type());
            devpts |= "devpts".equals(m.type());
        }

        // A /dev bound from the host is the host's business: nothing is created in it.
        if (!devBound) {
            devices(procMounted, devpts);
        }
        readonlyLater.forEach(s -> add(Actor.INIT, s));
        if (linux != null) {
            linux.maskedPaths().forEach(p -> add(Actor.INIT, new Step.MaskPath(p)));
            linux.readonlyPaths().forEach(p -> add(Actor.INIT, new Step.ReadonlyPath(p)));
        }

        creationHooks();
        add(Actor.INIT, new Step.PivotRoot(rootfs));

        if (linux != null) {
            for (Map.Entry<String, String> e : new TreeMap<>(linux.sysctl()).entrySet()) {
                add(Actor.INIT, new Step.WriteSysctl(e.getKey(), e.getValue()));
            }
        }
        if (spec.root().readonly()) {
            add(Actor.INIT, new Step.Mount(null, "/", null, List.of("MS_RDONLY", "MS_REMOUNT", "MS_BIND"), null));
        }
        if ("shared".equals(propagation)) {
            add(Actor.INIT, new Step.Mount(null, "/", null, List.of("MS_SHARED"), null));
        } else if ("unbindable".equals(propagation)) {
            add(Actor.INIT, new Step.Mount(null, "/", null, List.of("MS_UNBINDABLE"), null));
        }
    }

    /**
     * A cgroup filesystem in the container shows the container's own cgroups, as runc makes
     * it: the host's directories of this container bound in (a new cgroup mount would show
     * the host's whole tree, since the cgroup namespace comes later, when the init joins).
     * On v1 a tmpfs holds one bound directory per hierarchy, named like the host's mount
     * point; on v2 the one directory is bound at the destination.
     */
    private void cgroupMount(Spec.Mount m, String dest) {
        MountOptions o = MountOptions.parse(m.options());
        Set<String> secure = new LinkedHashSet<>(o.flags());
        secure.retainAll(List.of("MS_NOSUID", "MS_NODEV", "MS_NOEXEC"));
        boolean readonly = o.flags().contains("MS_RDONLY");
        add(Actor.INIT, new Step.CreateMountPoint(dest, null));
        if (ctx.host().cgroupLayout() == CgroupLayout.V2) {
            for (String leaf : cgroupLeaves) {
                bindCgroup(leaf, dest, secure, readonly);
            }
            return;
        }
        add(Actor.INIT, new Step.Mount("tmpfs", dest, "tmpfs", MountOptions.ordered(secure), withMountLabel("tmpfs", "mode=755")));
        for (String leaf : cgroupLeaves) {
            String hierarchy = ctx.host().cgroupV1Mounts().values().stream()
                    .filter(mp -> leaf.startsWith(mp + "/")).findFirst().orElse(null);
            if (hierarchy == null) {
                continue;
            }
            String name = hierarchy.substring(hierarchy.lastIndexOf('/') + 1);
            String target = LexicalPath.under(dest, name);
            add(Actor.INIT, new Step.CreateMountPoint(target, null));
            bindCgroup(leaf, target, secure, readonly);
            // Co-mounted controllers (cpu,cpuacct) get a link per controller, as on the host.
            if (name.contains(",")) {
                for (String controller : name.split(",")) {
                    add(Actor.INIT, new Step.Symlink(name, LexicalPath.under(dest, controller)));
                }
            }
        }
        if (readonly) {
            Set<String> ro = new LinkedHashSet<>(secure);
            ro.addAll(List.of("MS_REMOUNT", "MS_RDONLY"));
            add(Actor.INIT, new Step.Mount(null, dest, null, MountOptions.ordered(ro), null));
        }
    }

    private void bindCgroup(String hostDir, String target, Set<String> secure, boolean readonly) {
        add(Actor.INIT, new Step.Mount(hostDir, target, null, List.of("MS_BIND", "MS_REC"), null));
        Set<String> remount = new LinkedHashSet<>(secure);
        remount.addAll(List.of("MS_BIND", "MS_REMOUNT"));
        if (readonly) {
            remount.add("MS_RDONLY");
        }
        add(Actor.INIT, new Step.Mount(null, target, null, MountOptions.ordered(remount), null));
    }

    /**
     * One configured mount, as runc makes it: the mount, its propagation changes, then for a
     * bind mount a remount that applies ro/nosuid/... (MS_BIND alone ignores them), then the
     * recursive attributes. Returns whether it was a bind mount.
     */
    private boolean mount(Spec.Mount m, String dest, List<Step> readonlyLater) {
        MountOptions o = MountOptions.parse(m.options());
        boolean bind = o.bind() || "bind".equals(m.type());
        Set<String> flags = new LinkedHashSet<>(o.flags());
        String source = m.source();
        String fstype = m.type();
        if (bind) {
            flags.add("MS_BIND");
            fstype = null; // the kernel ignores the type of a bind mount
            if (source != null) {
                source = LexicalPath.resolve(ctx.bundleDir(), source);
            }
        }
        add(Actor.INIT, new Step.CreateMountPoint(dest, bind ? source : null));

        // /dev and tmpfs are mounted writable and made read-only after /dev is populated.
        Set<String> mountFlags = new LinkedHashSet<>(flags);
        if (!bind && flags.contains("MS_RDONLY") && ("tmpfs".equals(m.type()) || dest.equals("/dev"))) {
            mountFlags.remove("MS_RDONLY");
            Set<String> ro = new LinkedHashSet<>(flags);
            ro.addAll(List.of("MS_REMOUNT", "MS_BIND", "MS_RDONLY"));
            readonlyLater.add(new Step.Mount(null, dest, null, MountOptions.ordered(ro), null));
        }
        String data = o.data();
        if (!bind && "tmpfs".equals(m.type()) && m.options().contains("tmpcopyup")) {
            // Not the kernel's word: jspec copies the image's files into the tmpfs itself.
            add(Actor.INIT, new Step.CopyUp(dest));
            List<String> words = new ArrayList<>(List.of(data.split(",")));
            words.removeIf("tmpcopyup"::equals);
            data = words.isEmpty() ? null : String.join(",", words);
        }
        add(Actor.INIT, new Step.Mount(source, dest, fstype, MountOptions.ordered(mountFlags), bind ? data : withMountLabel(fstype, data)));

        for (List<String> p : o.propagation()) {
            add(Actor.INIT, new Step.Mount(null, dest, null, p, null));
        }
        if (bind) {
            Set<String> extra = new LinkedHashSet<>(flags);
            extra.removeAll(List.of("MS_BIND", "MS_REC", "MS_REMOUNT"));
            if (!extra.isEmpty() || !o.clearedFlags().isEmpty()) {
                Set<String> remount = new LinkedHashSet<>(flags);
                remount.add("MS_REMOUNT");
                add(Actor.INIT, new Step.Mount(null, dest, null, MountOptions.ordered(remount), null));
            }
        }
        if (!o.attrSet().isEmpty() || !o.attrClr().isEmpty()) {
            add(Actor.INIT, new Step.MountSetattr(dest, o.attrSet(), o.attrClr(), true));
        }
        return bind;
    }

    /** The default nodes, the config's devices, and the /dev links every program expects. */
    private void devices(boolean procMounted, boolean devpts) {
        List<Spec.Device> configured = spec.linux() == null ? List.of() : spec.linux().devices();
        Set<String> configuredPaths = new LinkedHashSet<>();
        configured.forEach(d -> configuredPaths.add(LexicalPath.clean(d.path())));
        for (DefaultDevices.Node n : DefaultDevices.NODES) {
            if (!configuredPaths.contains(n.path())) {
                add(Actor.INIT, new Step.Mknod(n.path(), "c", n.major(), n.minor(), 0666, 0, 0));
            }
        }
        for (Spec.Device d : configured) {
            // The spec's fileMode may carry the file type bits; only the permissions are ours to set.
            int mode = d.fileMode() == null ? 0666 : d.fileMode() & 07777;
            boolean fifo = "p".equals(d.type());
            add(Actor.INIT, new Step.Mknod(LexicalPath.clean(d.path()), d.type(), fifo ? 0 : d.major(), fifo ? 0 : d.minor(),
                    mode, d.uid() == null ? 0 : d.uid(), d.gid() == null ? 0 : d.gid()));
        }
        add(Actor.INIT, new Step.Symlink("/proc/self/fd", "/dev/fd"));
        add(Actor.INIT, new Step.Symlink("/proc/self/fd/0", "/dev/stdin"));
        add(Actor.INIT, new Step.Symlink("/proc/self/fd/1", "/dev/stdout"));
        add(Actor.INIT, new Step.Symlink("/proc/self/fd/2", "/dev/stderr"));
        if (procMounted) {
            add(Actor.INIT, new Step.Symlink("/proc/kcore", "/dev/core"));
        }
        if (devpts) {
            add(Actor.INIT, new Step.Symlink("pts/ptmx", "/dev/ptmx"));
        }
    }

    /**
     * Credentials as runc's finalizeNamespace sets them: the bounding set shrinks while the
     * init still has CAP_SETPCAP; keep-caps holds the permitted set across setresuid; then
     * the three sets are set exactly. No capabilities in the config means none at all, as
     * with runc: nothing is inherited from the caller (CVE-2022-29162).
     */
    private void process(Spec.Process p) {
        if (p.terminal()) {
            add(Actor.INIT, new Step.OpenConsole());
        }
        for (Spec.Rlimit r : p.rlimits()) {
            add(Actor.INIT, new Step.Setrlimit(r.type(), r.soft(), r.hard()));
        }
        if (p.oomScoreAdj() != null) {
            add(Actor.INIT, new Step.WriteOomScoreAdj(p.oomScoreAdj()));
        }

        // Capabilities are per thread, and the steps below drop them on this thread only:
        // the JVM's other threads (GC, compiler, signal dispatcher, cleaners) give up theirs
        // first, and are checked, before anything more happens at the parent's hand or in
        // the container's reach. Their uid differs from the program's, whose RLIMIT_NPROC
        // check at execve would otherwise count them.
        Spec.User user = p.user();
        long parkedUid = user != null && user.uid() == NOBODY ? NOBODY - 1 : NOBODY;
        add(Actor.INIT, new Step.ClearThreadCapabilities(parkedUid, NOBODY));
        add(Actor.INIT, new Step.CheckThreadCapabilities());
        if (!creationHooksPlanned) {
            // No pivot_root to come before: after the init's first steps, so that the parent
            // runs its hooks when the init asks, on its own thread, in the runtime's namespaces.
            creationHooks();
        }

        // The init joins its cgroups as late as it can: the init is a JVM, and its threads
        // and memory would otherwise count against the container's pids and memory limits
        // while it builds the root. Memory charged before the move stays where it was, and
        // execve frees it. The parent makes the move while the init waits; the cgroup
        // namespace follows, so its root is the container's cgroup, and that needs
        // CAP_SYS_ADMIN, so it comes before the capabilities are dropped.
        if (!cgroupLeaves.isEmpty()) {
            add(Actor.PARENT, new Step.CgroupJoin(cgroupLeaves));
        }
        String cgroupPath = joinedNamespace("cgroup");
        if (cgroupPath != null) {
            add(Actor.INIT, new Step.Setns("cgroup", cgroupPath));
        } else if (createsNamespace("cgroup")) {
            add(Actor.INIT, new Step.Unshare(List.of("cgroup")));
        }
        // The working directory, the exec labels and the descriptors come before any filter:
        // they take openat2, close_range and procfs writes, which an older profile (runtime-
        // tools', Docker's of some years ago) does not allow.
        add(Actor.INIT, new Step.Chdir(p.cwd() == null ? "/" : p.cwd()));
        execLabels(p);
        add(Actor.INIT, new Step.CloseFrom(3 + ctx.preserveFds()));
        // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: before the capabilities
        // go, as runc does. With it, as late as can be, so that a profile need allow few of
        // the init's own calls.
        Spec.Seccomp seccomp = spec.linux() == null ? null : spec.linux().seccomp();
        if (seccomp != null && !p.noNewPrivileges()) {
            seccomp(seccomp);
        }
        Spec.Capabilities caps = p.capabilities() != null ? p.capabilities()
                : new Spec.Capabilities(List.of(), List.of(), List.of(), List.of(), List.of());
        Set<Capability> drop = EnumSet.allOf(Capability.class);
        caps.bounding().forEach(n -> Capability.byName(n).ifPresent(drop::remove));
        if (!drop.isEmpty()) {
            add(Actor.INIT, new Step.CapbsetDrop(drop.stream().map(Enum::name).toList()));
        }

        add(Actor.INIT, new Step.SetKeepCaps(true));
        // Always set, even empty: otherwise the container inherits jspec's supplementary groups.
        add(Actor.INIT, new Step.Setgroups(user == null ? List.of() : user.additionalGids()));
        add(Actor.INIT, new Step.Setresgid(user == null ? 0 : user.gid()));
        add(Actor.INIT, new Step.Setresuid(user == null ? 0 : user.uid()));
        add(Actor.INIT, new Step.SetKeepCaps(false));
        // runc sets 0022 when the config has none, rather than passing on its own umask.
        add(Actor.INIT, new Step.Umask(user == null || user.umask() == null ? 0022 : user.umask()));

        add(Actor.INIT, new Step.Capset(caps.effective(), caps.permitted(), caps.inheritable()));
        // The kernel raises an ambient capability only when it is permitted and inheritable;
        // the others are left out, as runc does (validation warns about them).
        List<String> ambient = caps.ambient().stream()
                .filter(c -> caps.permitted().contains(c) && caps.inheritable().contains(c)).toList();
        if (!ambient.isEmpty()) {
            add(Actor.INIT, new Step.AmbientRaise(ambient));
        }
        if (p.noNewPrivileges()) {
            add(Actor.INIT, new Step.SetNoNewPrivs());
        }
        boolean nnpSeccomp = seccomp != null && p.noNewPrivileges();
        // The parent forwards a seccomp listener while it is still there: before the create
        // returns. Otherwise the filter comes after the wait, right before the execve.
        boolean listenerBeforeWait = nnpSeccomp && ctx.execFifo() != null && nonEmpty(seccomp.listenerPath());
        if (listenerBeforeWait) {
            seccomp(seccomp);
        }
        if (ctx.execFifo() != null) {
            add(Actor.INIT, new Step.AwaitStart(ctx.execFifo()));
        }
        // After `jspec start`, in the container (its path resolves there), before the program.
        if (spec.hooks() != null) {
            hooks(Actor.INIT, "startContainer", spec.hooks().startContainer());
        }
        if (nnpSeccomp && !listenerBeforeWait) {
            seccomp(seccomp);
        }
        add(Actor.INIT, new Step.Execve(p.args(), p.env()));
    }

    /**
     * process.apparmorProfile and process.selinuxLabel, set for the execve as runc sets them.
     * A label whose module the host lacks is not planned; {@code jspec run} refuses the config
     * rather than run the program unconfined.
     */
    private void execLabels(Spec.Process p) {
        execLabel("process.apparmorProfile", HostFacts.APPARMOR, "AppArmor", p.apparmorProfile());
        execLabel("process.selinuxLabel", HostFacts.SELINUX, "SELinux", p.selinuxLabel());
    }

    private void execLabel(String field, String lsm, String name, String label) {
        if (!nonEmpty(label)) {
            return;
        }
        if (ctx.host().lsms().contains(lsm)) {
            add(Actor.INIT, new Step.SetExecLabel(lsm, label));
        } else {
            notes.add(field + " is set but " + name + " is not enabled on this host: not applied (run refuses the config)");
        }
    }

    /**
     * linux.mountLabel as runc applies it: a {@code context=} option on the filesystems jspec
     * mounts new (not binds, proc, sysfs, mqueue or cgroup), where SELinux is enabled.
     */
    private String withMountLabel(String fstype, String data) {
        String label = spec.linux() == null ? null : spec.linux().mountLabel();
        if (!nonEmpty(label) || fstype == null || List.of("proc", "sysfs", "mqueue", "cgroup", "cgroup2").contains(fstype)) {
            return data;
        }
        if (!ctx.host().lsms().contains(HostFacts.SELINUX)) {
            return data;
        }
        String context = "context=\"" + label + "\"";
        return nonEmpty(data) ? data + "," + context : context;
    }

    /** The filter, and for SCMP_ACT_NOTIFY the parent's step that hands its listener to the agent. */
    private void seccomp(Spec.Seccomp seccomp) {
        Step.Seccomp step = SeccompProfile.step(seccomp);
        add(Actor.INIT, step);
        if (!SeccompProfile.notifies(step)) {
            return;
        }
        if (seccomp.listenerPath() == null) {
            notes.add("linux.seccomp has SCMP_ACT_NOTIFY rules but no listenerPath: no agent gets the listener, so those calls fail with ENOSYS");
            return;
        }
        List<String> annotations = new ArrayList<>();
        new TreeMap<>(spec.annotations()).forEach((k, v) -> {
            annotations.add(k);
            annotations.add(v);
        });
        add(Actor.PARENT, new Step.SeccompListener(seccomp.listenerPath(), seccomp.listenerMetadata(), ctx.containerId(),
                ctx.bundleDir(), annotations));
    }

    // ---- namespaces ----

    private List<Spec.Namespace> namespaces() {
        return spec.linux() == null ? List.of() : spec.linux().namespaces();
    }

    /** Whether the config asks for a new namespace of this type (listed without a path). */
    private boolean createsNamespace(String type) {
        return namespaces().stream().anyMatch(ns -> ns.type().equals(type) && ns.path() == null);
    }

    private boolean hasNamespace(String type) {
        return namespaces().stream().anyMatch(ns -> ns.type().equals(type));
    }

    /** The path of the namespace of this type to join, or null. */
    private String joinedNamespace(String type) {
        return namespaces().stream().filter(ns -> ns.type().equals(type) && ns.path() != null)
                .map(Spec.Namespace::path).findFirst().orElse(null);
    }

    private void add(Actor actor, Step step) {
        entries.add(new Plan.Entry(actor, step));
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
