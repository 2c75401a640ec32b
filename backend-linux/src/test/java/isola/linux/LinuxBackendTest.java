// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.Capability;
import isola.api.Isolation;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.SandboxSpec;
import isola.api.UnsupportedCapabilityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class LinuxBackendTest {
    @Test
    void foundByServiceLoaderAndAvailableHere() {
        var linux = Isolation.backend("linux");
        assertEquals("linux", linux.name());
        assertTrue(linux.probe().available(), linux.probe().reason());
        assertTrue(linux.capabilities().supports(Capability.PID_ISOLATION));
    }

    @Test
    void limitsAreSupportedAsRootWhereTheControllerIsMounted() {
        var linux = Isolation.backend("linux");
        var caps = linux.capabilities();
        boolean memory = isola.linux.cgroup.CgroupMounts.probe().find("memory") != null;
        if (Sandboxes.isRoot() && memory) {
            assertTrue(caps.supports(Capability.MEMORY_LIMIT));
        } else {
            assertFalse(caps.supports(Capability.MEMORY_LIMIT));
            assertTrue(caps.missing().get(Capability.MEMORY_LIMIT).contains("cgroup"), caps.missing().get(Capability.MEMORY_LIMIT));
        }
    }

    @Test
    void addressesModeIsImpossibleOnLinux() {
        var spec = SandboxSpec.builder().network(new NetworkSpec(NetworkMode.ADDRESSES, List.of("10.0.0.5"), List.of(), null)).build();
        var e = assertThrows(UnsupportedCapabilityException.class, () -> Isolation.backend("linux").create(spec));
        assertEquals(Capability.NETWORK_ADDRESSES, e.capability());
    }

    @Test
    void staleSocketsOfDeadProcessesAreSwept(@TempDir Path dir) throws Exception {
        Path dead = Files.createFile(dir.resolve("s999999999-1"));
        Path mine = Files.createFile(dir.resolve("s" + ProcessHandle.current().pid() + "-7"));
        Path other = Files.createFile(dir.resolve("unrelated"));
        LinuxBackend.sweepStaleSockets(dir);
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(mine));
        assertTrue(Files.exists(other));
    }
}
