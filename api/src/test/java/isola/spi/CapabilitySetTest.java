// SPDX-License-Identifier: Apache-2.0
package isola.spi;

import static isola.api.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.Capability;
import isola.api.UnsupportedCapabilityException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapabilitySetTest {
    private static final String NOT_IMPLEMENTED = "not implemented by this backend";

    @Test
    void builderStartsWithEveryCapabilityMissing() {
        CapabilitySet c = CapabilitySet.builder().build();
        assertEquals(Set.of(), c.supported());
        assertEquals(EnumSet.allOf(Capability.class), c.missing().keySet());
        for (Capability cap : Capability.values()) {
            assertFalse(c.supports(cap), cap.name());
            assertEquals(NOT_IMPLEMENTED, c.missing().get(cap), cap.name());
        }
    }

    @Test
    void supportsMovesFromMissingToSupported() {
        CapabilitySet c = CapabilitySet.builder().supports(Capability.PID_ISOLATION, Capability.HOSTNAME).build();
        assertEquals(EnumSet.of(Capability.PID_ISOLATION, Capability.HOSTNAME), c.supported());
        assertTrue(c.supports(Capability.PID_ISOLATION));
        assertTrue(c.supports(Capability.HOSTNAME));
        assertFalse(c.supports(Capability.TMPFS));
        assertFalse(c.missing().containsKey(Capability.PID_ISOLATION));
        assertFalse(c.missing().containsKey(Capability.HOSTNAME));
        assertEquals(Capability.values().length - 2, c.missing().size());
    }

    @Test
    void lacksGivesTheReason() {
        CapabilitySet c = CapabilitySet.builder()
                .lacks(Capability.MEMORY_LIMIT, "memory controller not enabled in /sys/fs/cgroup/cgroup.subtree_control")
                .build();
        assertEquals("memory controller not enabled in /sys/fs/cgroup/cgroup.subtree_control",
                c.missing().get(Capability.MEMORY_LIMIT));
        assertFalse(c.supports(Capability.MEMORY_LIMIT));
    }

    @Test
    void lacksAfterSupportsWins() {
        CapabilitySet c = CapabilitySet.builder().supports(Capability.TMPFS).lacks(Capability.TMPFS, "no tmpfs").build();
        assertFalse(c.supports(Capability.TMPFS));
        assertEquals("no tmpfs", c.missing().get(Capability.TMPFS));
    }

    @Test
    void supportsAfterLacksWins() {
        CapabilitySet c = CapabilitySet.builder().lacks(Capability.TMPFS, "no tmpfs").supports(Capability.TMPFS).build();
        assertTrue(c.supports(Capability.TMPFS));
        assertFalse(c.missing().containsKey(Capability.TMPFS));
    }

    @Test
    void everyCapabilityIsEitherSupportedOrMissing() {
        CapabilitySet c = CapabilitySet.builder().supports(Capability.BIND_MOUNT, Capability.RLIMITS)
                .lacks(Capability.CPUSET, "x").build();
        for (Capability cap : Capability.values()) {
            assertTrue(c.supports(cap) ^ c.missing().containsKey(cap), cap.name());
        }
    }

    @Test
    void viewsAreImmutable() {
        CapabilitySet c = CapabilitySet.builder().supports(Capability.TMPFS).build();
        assertThrows(UnsupportedOperationException.class, () -> c.supported().add(Capability.HOSTNAME));
        assertThrows(UnsupportedOperationException.class, () -> c.missing().remove(Capability.HOSTNAME));
    }

    @Test
    void buildSnapshotsTheBuilder() {
        CapabilitySet.Builder b = CapabilitySet.builder().supports(Capability.TMPFS);
        CapabilitySet first = b.build();
        b.supports(Capability.HOSTNAME).lacks(Capability.TMPFS, "gone");
        assertEquals(Set.of(Capability.TMPFS), first.supported());
        assertEquals(NOT_IMPLEMENTED, first.missing().get(Capability.HOSTNAME));
        assertEquals(Set.of(Capability.HOSTNAME), b.build().supported());
    }

    @Test
    void requirePassesWhenEverythingIsSupported() {
        CapabilitySet c = CapabilitySet.builder().supports(Capability.values()).build();
        c.require("linux", EnumSet.allOf(Capability.class));
        c.require("linux", Set.of());
        CapabilitySet.builder().build().require("linux", Set.of());
    }

    @Test
    void requireThrowsNamingCapabilityBackendAndReason() {
        CapabilitySet c = CapabilitySet.builder()
                .supports(Capability.PID_ISOLATION)
                .lacks(Capability.NETWORK_BRIDGE, "isola-netd is not running")
                .build();
        UnsupportedCapabilityException e = thrown(UnsupportedCapabilityException.class,
                () -> c.require("linux", EnumSet.of(Capability.PID_ISOLATION, Capability.NETWORK_BRIDGE)),
                "network_bridge", "linux", "isola-netd is not running");
        assertEquals("network_bridge is not supported by backend linux: isola-netd is not running", e.getMessage());
        assertEquals(Capability.NETWORK_BRIDGE, e.capability());
        assertEquals("linux", e.backend());
        assertEquals("isola-netd is not running", e.reason());
    }

    @Test
    void requireUsesTheDefaultReason() {
        UnsupportedCapabilityException e = thrown(UnsupportedCapabilityException.class,
                () -> CapabilitySet.builder().build().require("solaris-zones", Set.of(Capability.CGROUP_NAMESPACE)));
        assertEquals("cgroup_namespace is not supported by backend solaris-zones: " + NOT_IMPLEMENTED, e.getMessage());
    }

    @Test
    void requireFailsOnTheFirstMissingInEnumOrder() {
        CapabilitySet c = CapabilitySet.builder().lacks(Capability.HOSTNAME, "a").lacks(Capability.TMPFS, "b").build();
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> c.require("x", EnumSet.of(Capability.TMPFS, Capability.HOSTNAME)));
        assertEquals(Capability.HOSTNAME, e.capability());
    }

    @Test
    void probeResults() {
        assertEquals(new ProbeResult(true, "kernel 6.1, cgroup v2"), ProbeResult.available("kernel 6.1, cgroup v2"));
        assertEquals(new ProbeResult(false, "not a FreeBSD host (os.name is Linux)"),
                ProbeResult.unavailable("not a FreeBSD host (os.name is Linux)"));
        assertTrue(ProbeResult.available("x").available());
        assertFalse(ProbeResult.unavailable("x").available());
    }

    @Test
    void backendReportHoldsItsParts() {
        CapabilitySet c = CapabilitySet.builder().supports(Capability.TMPFS).build();
        BackendReport r = new BackendReport("linux", 100, ProbeResult.available("ok"), c, Map.of("kernel", "6.1"));
        assertEquals("linux", r.name());
        assertEquals(100, r.priority());
        assertTrue(r.probe().available());
        assertTrue(r.capabilities().supports(Capability.TMPFS));
        assertEquals("6.1", r.facts().get("kernel"));
    }

    @Test
    void hostFactsDefaultToEmpty() {
        IsolationBackend b = new IsolationBackend() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public int priority() {
                return 0;
            }

            @Override
            public ProbeResult probe() {
                return ProbeResult.unavailable("fake");
            }

            @Override
            public CapabilitySet capabilities() {
                return CapabilitySet.builder().build();
            }

            @Override
            public isola.api.Sandbox create(isola.api.SandboxSpec spec) {
                throw new UnsupportedOperationException();
            }
        };
        assertEquals(Map.of(), b.hostFacts());
    }
}
