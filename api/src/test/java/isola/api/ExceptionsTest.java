// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ExceptionsTest {
    @Test
    void hierarchy() {
        assertTrue(new SpecValidationException("x") instanceof IsolationException);
        assertTrue(new BackendUnavailableException("x") instanceof IsolationException);
        assertTrue(new HelperFailedException("x", "mount", 2, "ENOENT") instanceof IsolationException);
        assertTrue(new UnsupportedCapabilityException(Capability.TMPFS, "b", "r") instanceof IsolationException);
        assertTrue(new IsolationException("x") instanceof RuntimeException);
    }

    @Test
    void causeIsKept() {
        IOException cause = new IOException("boom");
        IsolationException e = new IsolationException("cannot read x", cause);
        assertSame(cause, e.getCause());
        assertEquals("cannot read x", e.getMessage());
    }

    @Test
    void unsupportedCapabilityNamesCapabilityBackendAndReason() {
        UnsupportedCapabilityException e = new UnsupportedCapabilityException(Capability.MEMORY_LIMIT, "linux",
                "the memory controller is not enabled in cgroup.subtree_control of /sys/fs/cgroup/isola");
        assertEquals("memory_limit is not supported by backend linux: the memory controller is not enabled in "
                + "cgroup.subtree_control of /sys/fs/cgroup/isola", e.getMessage());
        assertEquals(Capability.MEMORY_LIMIT, e.capability());
        assertEquals("linux", e.backend());
        assertEquals("the memory controller is not enabled in cgroup.subtree_control of /sys/fs/cgroup/isola",
                e.reason());
        Expect.assertStyle(e.getMessage());
    }

    @Test
    void helperFailure() {
        HelperFailedException e = new HelperFailedException(
                "mount /srv/data -> /data: ENOENT (no such file or directory)", "mount", 2, "ENOENT");
        assertEquals("mount /srv/data -> /data: ENOENT (no such file or directory)", e.getMessage());
        assertEquals("mount", e.step());
        assertEquals(2, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertFalse(e.commandNotFound());
        assertFalse(e.commandNotExecutable());
    }

    @Test
    void execEnoentIsCommandNotFound() {
        HelperFailedException e = new HelperFailedException("exec nosuch: ENOENT", "exec", 2, "ENOENT");
        assertTrue(e.commandNotFound());
        assertFalse(e.commandNotExecutable());
    }

    @Test
    void otherExecFailuresAreNotExecutable() {
        for (String errno : new String[] {"EACCES", "ENOEXEC", "ENOTDIR", "ELOOP"}) {
            HelperFailedException e = new HelperFailedException("exec x: " + errno, "exec", 13, errno);
            assertFalse(e.commandNotFound(), errno);
            assertTrue(e.commandNotExecutable(), errno);
        }
    }
}
