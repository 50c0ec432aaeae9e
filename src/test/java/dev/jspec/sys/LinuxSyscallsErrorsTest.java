package dev.jspec.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text a failed call carries, from the real kernel (calls that fail the same way with or
 * without root): the call as C would write it, with its arguments, a descriptor with the
 * path it names, and the errno by name and meaning.
 */
class LinuxSyscallsErrorsTest {

    private final Syscalls sys = new LinuxSyscalls();

    @TempDir
    Path dir;

    @Test
    void anAtCallNamesItsDirectoryByDescriptorAndPath() throws Exception {
        Files.writeString(dir.resolve("there"), "");
        int fd = sys.openPath(dir.toString());
        try {
            SyscallException e = assertThrows(SyscallException.class, () -> sys.mknodAt(fd, "there", 0x1000 | 0644, 0, 0));
            assertEquals("mknodat(" + fd + "<" + dir + ">, \"there\", S_IFIFO|0644, makedev(0, 0))", e.call());
            assertEquals(Errno.EEXIST, e.errno());
            assertEquals(e.call() + ": EEXIST (File exists)", e.getMessage());

            e = assertThrows(SyscallException.class, () -> sys.unlinkAt(fd, "missing"));
            assertEquals("unlinkat(" + fd + "<" + dir + ">, \"missing\", 0): ENOENT (No such file or directory)", e.getMessage());

            e = assertThrows(SyscallException.class, () -> sys.mkdirAt(fd, "no/such", 0755));
            assertEquals("mkdirat(" + fd + "<" + dir + ">, \"no/such\", 0755): ENOENT (No such file or directory)", e.getMessage());
        } finally {
            sys.close(fd);
        }
    }

    @Test
    void aMountNamesEveryArgumentAndFlag() {
        String target = dir.resolve("missing").toString();
        SyscallException e = assertThrows(SyscallException.class,
                () -> sys.mount("none", target, "nosuchfs", MountFlags.bits(java.util.List.of("MS_NOSUID", "MS_NODEV")), "size=1k"));
        // ENODEV as root (the type is looked up first), EPERM without: the text is the same.
        assertEquals("mount(\"none\", \"" + target + "\", \"nosuchfs\", MS_NOSUID|MS_NODEV, \"size=1k\")", e.call());
    }

    @Test
    void aPathThroughADescriptorSaysWhatItNames() throws Exception {
        int fd = sys.openPath(dir.toString());
        try {
            SyscallException e = assertThrows(SyscallException.class, () -> sys.chmod("/proc/self/fd/" + fd + "/missing", 0600));
            assertEquals("chmod(\"/proc/self/fd/" + fd + "/missing\", 0600)", e.call(), "not a descriptor's own path: as given");
            assertEquals("\"/proc/self/fd/" + fd + "\"<" + dir + ">", CallText.path("/proc/self/fd/" + fd));
        } finally {
            sys.close(fd);
        }
    }

    @Test
    void aStringArgumentIsQuotedWithItsControlCharactersEscaped() {
        SyscallException e = assertThrows(SyscallException.class, () -> sys.rmdir(dir.resolve("a\nb\"c\u0001").toString()));
        assertEquals("rmdir(\"" + dir + "/a\\nb\\\"c\\x01\"): ENOENT (No such file or directory)", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void modesFlagsAndDevicesAreWrittenAsCWouldWriteThem() {
        assertEquals("S_IFCHR|0666", CallText.mode(0x2000 | 0666));
        assertEquals("S_IFBLK|0600", CallText.mode(0x6000 | 0600));
        assertEquals("0755", CallText.mode(0755));
        assertEquals("makedev(1, 3)", CallText.dev(1, 3));
        assertEquals("AT_FDCWD", CallText.fd(-100));
        assertEquals("NULL", CallText.q(null));
        assertEquals("0", MountFlags.mountNames(0));
        assertEquals("MS_RDONLY|MS_BIND|MS_REC", MountFlags.mountNames(0x1 | 0x1000 | 0x4000));
        assertEquals("MS_NOSUID|0x400000000", MountFlags.mountNames(0x2 | 0x400000000L));
    }

    @Test
    void errnosHaveTheirNamesAndMeanings() {
        assertEquals("EPERM (Operation not permitted)", Errno.describe(Errno.EPERM));
        assertEquals("EISDIR (Is a directory)", Errno.describe(21));
        assertEquals("ENODEV", Errno.name(Errno.ENODEV));
        assertEquals("errno 200 (unknown error)", Errno.describe(200));
        assertEquals("errno -1 (unknown error)", Errno.describe(-1));
    }

    @Test
    void theKernelsDetailIsOneLineAfterTheErrno() {
        SyscallException e = new SyscallException("bpf(BPF_PROG_LOAD)", Errno.EACCES, "0: (95) exit\r\nR0 !read_ok\n\tend\n");
        assertEquals("0: (95) exit | R0 !read_ok | \\tend", e.detail());
        assertEquals("bpf(BPF_PROG_LOAD): EACCES (Permission denied): 0: (95) exit | R0 !read_ok | \\tend", e.getMessage());
        assertNull(new SyscallException("x", Errno.EPERM, " \n").detail());
        assertEquals("x: EPERM (Operation not permitted)", new SyscallException("x", Errno.EPERM, null).getMessage());
    }

    @Test
    void theVerifiersLastLinesAreKept() {
        assertEquals("b | c | d", Bpf.lastLines("a\nb\nc\nd", 3));
        assertEquals("only", Bpf.lastLines("only", 3));
    }

    @Test
    void aDescriptorWhosePathCannotBeReadIsItsNumber() {
        assertEquals("999999", CallText.fd(999999));
        assertTrue(CallText.fd(0).startsWith("0"));
    }
}
