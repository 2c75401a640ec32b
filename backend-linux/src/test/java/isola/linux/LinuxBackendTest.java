// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.Capability;
import isola.api.Isolation;
import isola.api.Limits;
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
    void limitsFailClosedBeforeAnySideEffect() {
        var linux = Isolation.backend("linux");
        SandboxSpec spec = SandboxSpec.builder()
                .limits(new Limits(64L << 20, null, null, null, null, null, null, null, List.of())).build();
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class, () -> linux.create(spec));
        assertEquals(Capability.MEMORY_LIMIT, e.capability());
        assertEquals("linux", e.backend());
        assertTrue(e.getMessage().startsWith("memory_limit is not supported by backend linux: resource limits"), e.getMessage());
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
