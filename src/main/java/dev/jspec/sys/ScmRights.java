package dev.jspec.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * One descriptor passed over a Unix socket as SCM_RIGHTS: the struct msghdr, its iovec and
 * its one cmsghdr, packed by hand for sendmsg(2) and recvmsg(2) (LP64 layouts).
 */
final class ScmRights {

    // struct msghdr: name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48.
    private static final int MSGHDR_SIZE = 56;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    // struct iovec: base 0, len 8.
    private static final int IOVEC_SIZE = 16;
    // One cmsghdr (len 0, level 8, type 12, data 16) carrying one int: CMSG_LEN(4) = 20, CMSG_SPACE(4) = 24.
    private static final int CMSG_LEN_ONE_FD = 20;
    private static final int CMSG_SPACE_ONE_FD = 24;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    private ScmRights() {}

    /** sendmsg of {@code bytes} with {@code fd} attached; the number of bytes sent (maybe fewer than all). */
    static long send(int socket, int fd, byte[] bytes) throws LastErrorException {
        try (Memory msg = new Memory(MSGHDR_SIZE); Memory iov = new Memory(IOVEC_SIZE);
                Memory data = new Memory(Math.max(1, bytes.length)); Memory control = new Memory(CMSG_SPACE_ONE_FD)) {
            msg.clear();
            control.clear();
            data.write(0, bytes, 0, bytes.length);
            iov.setPointer(0, data);
            iov.setLong(8, bytes.length);
            control.setLong(0, CMSG_LEN_ONE_FD);
            control.setInt(8, SOL_SOCKET);
            control.setInt(12, SCM_RIGHTS);
            control.setInt(16, fd);
            msg.setPointer(MSG_IOV, iov);
            msg.setLong(MSG_IOVLEN, 1);
            msg.setPointer(MSG_CONTROL, control);
            msg.setLong(MSG_CONTROLLEN, CMSG_SPACE_ONE_FD);
            return LibC.sendmsg(socket, msg, 0);
        }
    }

    /** recvmsg of one byte and one descriptor (close-on-exec); -1 when the peer sent none. */
    static int receive(int socket) throws LastErrorException {
        try (Memory msg = new Memory(MSGHDR_SIZE); Memory iov = new Memory(IOVEC_SIZE); Memory data = new Memory(1);
                Memory control = new Memory(CMSG_SPACE_ONE_FD)) {
            msg.clear();
            control.clear();
            iov.setPointer(0, data);
            iov.setLong(8, 1);
            msg.setPointer(MSG_IOV, iov);
            msg.setLong(MSG_IOVLEN, 1);
            msg.setPointer(MSG_CONTROL, control);
            msg.setLong(MSG_CONTROLLEN, CMSG_SPACE_ONE_FD);
            long n = LibC.recvmsg(socket, msg, MSG_CMSG_CLOEXEC);
            if (n <= 0 || msg.getLong(MSG_CONTROLLEN) < CMSG_LEN_ONE_FD || control.getInt(12) != SCM_RIGHTS) {
                return -1;
            }
            return control.getInt(16);
        }
    }
}
