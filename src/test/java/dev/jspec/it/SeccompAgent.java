package dev.jspec.it;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A seccomp agent for tests, on a unix socket it listens on: it takes one connection,
 * receives the container process state and the listener descriptor (SCM_RIGHTS), and answers
 * notifications with an errno of its choice. Built on libc through JNA, as Java's own
 * sockets cannot receive descriptors.
 */
final class SeccompAgent implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    /** _IOWR('!', 0, struct seccomp_notif) and _IOWR('!', 1, struct seccomp_notif_resp). */
    private static final long SECCOMP_IOCTL_NOTIF_RECV = 0xc0502100L;
    private static final long SECCOMP_IOCTL_NOTIF_SEND = 0xc0182101L;

    static {
        Native.register(SeccompAgent.class, NativeLibrary.getInstance("libc.so.6"));
    }

    private static native int socket(int domain, int type, int protocol) throws LastErrorException;

    private static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

    private static native int listen(int fd, int backlog) throws LastErrorException;

    private static native int accept4(int fd, Pointer addr, Pointer len, int flags) throws LastErrorException;

    private static native long recvmsg(int fd, Pointer msg, int flags) throws LastErrorException;

    private static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static native int poll(Pointer fds, long nfds, int timeoutMs) throws LastErrorException;

    /** What the runtime sent: the JSON state and the descriptor that came with it (-1 if none). */
    record Received(String state, int listener) {}

    /** One notification: its cookie, the process and the system call number. */
    record Notification(long id, int pid, int syscall) {}

    private final int server;

    SeccompAgent(Path socket) {
        byte[] path = socket.toString().getBytes(StandardCharsets.UTF_8);
        byte[] addr = new byte[110];
        addr[0] = AF_UNIX;
        System.arraycopy(path, 0, addr, 2, path.length);
        server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        bind(server, addr, addr.length);
        listen(server, 1);
    }

    /** Waits (at most {@code timeoutMs}) for the runtime's connection and reads its one message. */
    Received receive(int timeoutMs) {
        waitFor(server, timeoutMs, "no connection from jspec");
        int conn = accept4(server, null, null, SOCK_CLOEXEC);
        try (Memory msg = new Memory(56); Memory iov = new Memory(16); Memory data = new Memory(65536); Memory control = new Memory(24)) {
            msg.clear();
            control.clear();
            iov.setPointer(0, data);
            iov.setLong(8, data.size());
            msg.setPointer(16, iov);
            msg.setLong(24, 1);
            msg.setPointer(32, control);
            msg.setLong(40, control.size());
            long n = recvmsg(conn, msg, 0x40000000); // MSG_CMSG_CLOEXEC
            int fd = msg.getLong(40) >= 20 && control.getInt(12) == 1 ? control.getInt(16) : -1;
            return new Received(new String(data.getByteArray(0, (int) n), StandardCharsets.UTF_8), fd);
        } finally {
            close(conn);
        }
    }

    /** Waits (at most {@code timeoutMs}) until a filtered call waits on {@code listener}. */
    static Notification next(int listener, int timeoutMs) {
        waitFor(listener, timeoutMs, "no notification");
        try (Memory req = new Memory(80)) {
            req.clear();
            ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req);
            return new Notification(req.getLong(0), req.getInt(8), req.getInt(16));
        }
    }

    /** Fails the waiting call with {@code errno}. */
    static void fail(int listener, Notification n, int errno) {
        try (Memory resp = new Memory(24)) {
            resp.clear();
            resp.setLong(0, n.id());
            resp.setInt(16, -errno);
            ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
        }
    }

    private static void waitFor(int fd, int timeoutMs, String what) {
        try (Memory pollfd = new Memory(8)) {
            pollfd.clear();
            pollfd.setInt(0, fd);
            pollfd.setShort(4, (short) 1); // POLLIN
            if (poll(pollfd, 1, timeoutMs) == 0) {
                throw new IllegalStateException(what + " in " + timeoutMs + " ms");
            }
        }
    }

    static void closeFd(int fd) {
        close(fd);
    }

    @Override
    public void close() {
        close(server);
    }
}
