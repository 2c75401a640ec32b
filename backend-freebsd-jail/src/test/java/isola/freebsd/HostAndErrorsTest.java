// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.Capability;
import isola.api.IsolationException;
import isola.api.UnsupportedCapabilityException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capabilities from host facts, errno/errmsg in messages, and symlink-safe resolution. */
class HostAndErrorsTest {
    @TempDir
    Path tmp;

    private static FreeBsdHost host(boolean racct, boolean vimage) {
        return new FreeBsdHost("15.0-RELEASE", 1500068, racct, vimage, true, true, false, 0);
    }

    @Test
    void capabilitiesFollowRacctAndVimage() {
        var c = host(true, true).capabilities(true);
        assertTrue(c.supports(Capability.MEMORY_LIMIT));
        assertTrue(c.supports(Capability.NETWORK_NONE));
        assertTrue(c.supports(Capability.NETWORK_ADDRESSES));
        assertFalse(c.supports(Capability.USER_NAMESPACE));
        assertFalse(c.supports(Capability.PRIVILEGE_SET));
        var off = host(false, false).capabilities(true);
        assertEquals(JailErrors.RACCT_REMEDY, off.missing().get(Capability.PIDS_LIMIT));
        assertTrue(off.missing().get(Capability.NETWORK_BRIDGE).contains("VIMAGE"));
        assertTrue(off.supports(Capability.NETWORK_HOST));
        assertTrue(host(true, true).capabilities(false).supported().isEmpty());
    }

    @Test
    void problemsFailClosed() {
        assertEquals("FreeBSD 13.2-RELEASE is too old: isola needs 14.0 or later",
                new FreeBsdHost("13.2-RELEASE", 1302001, true, true, false, false, false, 0).problem());
        assertEquals("isola runs inside a jail here; run it on the host",
                new FreeBsdHost("14.3-RELEASE", 1403000, true, true, false, false, true, 0).problem());
        assertTrue(new FreeBsdHost("14.3-RELEASE", 1403000, true, true, false, false, true, 0).capabilities(true).supported().isEmpty());
    }

    @Test
    void factsSayTheTruth() {
        var f = host(false, true).facts();
        assertEquals("15.0-RELEASE (1500068)", f.get("freebsd version"));
        assertTrue(f.get("racct").startsWith("disabled"));
        assertEquals("available (jail_attach_jd)", f.get("jail descriptors"));
        assertEquals("loaded", f.get("zfs"));
    }

    @Test
    void errnoNamesAreFreeBsds() {
        assertEquals("ENOSYS", FreeBsdErrno.name(78));
        assertEquals("EAGAIN", FreeBsdErrno.name(35));
        assertEquals("EOPNOTSUPP", FreeBsdErrno.name(45));
        assertEquals("errno 200", FreeBsdErrno.name(200));
    }

    @Test
    void kernelErrmsgIsInTheMessage() {
        NativeException e = new NativeException("jail_set", "jail \"web1\"", 48, "IPv4 addresses clash");
        assertEquals("jail_set jail \"web1\" failed: EADDRINUSE (address already in use): IPv4 addresses clash", e.getMessage());
        assertEquals("ifconfig epair create failed: exit status 1: ifconfig: SIOCIFCREATE2: Invalid argument",
                new NativeException("ifconfig", "epair create", 0, "exit status 1: ifconfig: SIOCIFCREATE2: Invalid argument\n").getMessage());
    }

    @Test
    void publicExceptionsCarryTheRemedy() {
        RuntimeException r = JailErrors.toPublic(new NativeException("rctl_add_rule", "\"jail:a:memoryuse:sigkill=1\"", 78, ""), "a");
        UnsupportedCapabilityException u = assertInstanceOf(UnsupportedCapabilityException.class, r);
        assertTrue(u.getMessage().contains("reboot"));
        RuntimeException p = JailErrors.toPublic(new NativeException("jail_set", "jail \"a\"", 1, ""), "a");
        assertInstanceOf(IsolationException.class, p);
        assertTrue(p.getMessage().endsWith("need root (run isola as root, not inside a jail without children.max)"), p.getMessage());
        assertTrue(JailErrors.toPublic(new NativeException("jail_set", "jail \"a\"", 22, "unknown parameter: allow.vmm"), "a")
                .getMessage().contains("kernel module that is not loaded"));
        IsolationException plain = new IsolationException("x");
        assertEquals(plain, JailErrors.toPublic(plain, "a"));
    }

    @Test
    void symlinksResolveInsideTheRoot() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("real/sub"));
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/real"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../etc"));
        Files.createSymbolicLink(root.resolve("real/rel"), Path.of("sub"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        assertEquals(root.resolve("real/x"), SafePaths.resolve(root, "/abs/x"));
        assertEquals(root.resolve("etc/passwd"), SafePaths.resolve(root, "/up/passwd"));
        assertEquals(root.resolve("real/sub/y"), SafePaths.resolve(root, "/real/rel/y"));
        assertEquals(root.resolve("new/a/b"), SafePaths.resolve(root, "/new/a/b"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(isola.api.SpecValidationException.class,
                () -> SafePaths.resolve(root, "/loop")).getMessage().contains("ELOOP"));
    }

    @Test
    void undoLinesRoundTrip() {
        Undo u = Undo.of(Undo.Kind.UNALIAS, "lo1", "inet", "192.0.2.1");
        assertEquals(u, Undo.parse(u.line()));
        assertEquals(null, Undo.parse("NONSENSE\tx"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Undo.of(Undo.Kind.RMDIR, "a\nb"));
    }
}
