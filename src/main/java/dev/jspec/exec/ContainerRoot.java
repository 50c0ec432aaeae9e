package dev.jspec.exec;

import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import java.util.ArrayList;
import java.util.List;

/**
 * The container's root filesystem held as a descriptor, with every path of the container
 * resolved inside it.
 *
 * <p>The image owns its rootfs: any component of a path in it may be a symlink aimed at the
 * host, "..", or a /proc magic link, and a string path handed to mount(2) or mknod(2) would
 * follow it out. So nothing here passes a container path to the kernel as a string.
 * Each path is opened with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), which resolves
 * it as if the root were "/", and the work is done on the descriptor: a mount through
 * {@code /proc/self/fd/N} (the host's /proc, before pivot_root), a node or link made with
 * the *at() calls in a parent directory that was itself resolved inside the root.
 */
final class ContainerRoot {

    private final Syscalls sys;
    private final int fd;
    private final String hostPath;

    ContainerRoot(Syscalls sys, String hostPath) {
        this.sys = sys;
        this.hostPath = hostPath;
        this.fd = sys.openPath(hostPath);
    }

    /** The root's path on the host, as the plan names it. */
    String hostPath() {
        return hostPath;
    }

    int fd() {
        return fd;
    }

    /** The path of an open descriptor, for calls that take only paths (mount, chmod). */
    static String fdPath(int fd) {
        return "/proc/self/fd/" + fd;
    }

    /** An O_PATH descriptor of {@code path} inside the root, following symlinks inside it. */
    int open(String path) {
        return sys.openInRoot(fd, path, true);
    }

    /** As {@link #open}, or -1 when the path does not exist in the container. */
    int openIfExists(String path) {
        try {
            return open(path);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * A bind mount's source as a descriptor: a path below the rootfs belongs to the image and
     * is resolved inside it; any other is the host's, named by the config, resolved on the
     * host before anything of the image is mounted over it.
     */
    int openSource(String source) {
        if (source.startsWith(hostPath + "/")) {
            return open(source.substring(hostPath.length()));
        }
        return sys.openPath(source);
    }

    /** mkdir -p inside the root; returns an O_PATH descriptor of the directory. */
    int mkdirAll(String path, int mode) {
        int dir = open("/");
        StringBuilder prefix = new StringBuilder();
        for (String part : components(path)) {
            prefix.append('/').append(part);
            int next = openIfExists(prefix.toString());
            if (next < 0) {
                try {
                    sys.mkdirAt(dir, part, mode);
                } catch (SyscallException e) {
                    if (e.errno() != Errno.EEXIST) {
                        sys.close(dir);
                        throw e;
                    }
                }
                next = openIfExists(prefix.toString());
                if (next < 0) {
                    // mkdirat found something it would not replace, and it leads nowhere: a dangling symlink.
                    sys.close(dir);
                    throw new SyscallException("mkdirat(\"" + prefix + "\"): a symlink to a missing path", Errno.ENOENT);
                }
            }
            sys.close(dir);
            dir = next;
            if (sys.fstat(dir).kind() != Syscalls.FileKind.DIRECTORY) {
                sys.close(dir);
                throw new SyscallException("mkdirat(\"" + prefix + "\")", Errno.ENOTDIR);
            }
        }
        return dir;
    }

    /** The directory that holds {@code path} (made if missing), open, and the last component's name. */
    Parent parent(String path) {
        List<String> parts = components(path);
        if (parts.isEmpty()) {
            throw new SyscallException("\"" + path + "\" has no parent in the container", Errno.EINVAL);
        }
        String name = parts.get(parts.size() - 1);
        return new Parent(mkdirAll("/" + String.join("/", parts.subList(0, parts.size() - 1)), 0755), name);
    }

    /** A directory descriptor and a single name in it: the arguments of an *at() call. */
    record Parent(int fd, String name) {}

    /** Removes whatever is at {@code name} in the directory, unless it is a directory; nothing there is fine. */
    void unlinkIfPresent(Parent p) {
        try {
            sys.unlinkAt(p.fd(), p.name());
        } catch (SyscallException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
    }

    /** The name itself in its parent, never followed if it is a symlink. */
    int openNoFollow(Parent p) {
        return sys.openInRoot(p.fd(), p.name(), false);
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                out.add(part);
            }
        }
        return out;
    }
}
