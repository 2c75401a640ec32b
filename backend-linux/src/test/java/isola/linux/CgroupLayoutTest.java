// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What {@code isola features} says about the cost of moving a process into a cgroup. */
class CgroupLayoutTest {
    private static final String HYBRID = """
            tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
            cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
            cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
            """;

    @Test
    void aHybridHostWithoutTheOptionIsToldWhatAMoveCostsAndWhereToReadMore() {
        String s = CgroupLayout.moves(HYBRID, "console=ttyS0 quiet");
        assertTrue(s.startsWith("the first move into a v1 cgroup after an idle spell waits for an RCU grace period"), s);
        assertTrue(s.contains("favordynmods"), s);
    }

    @Test
    void anyHierarchyMountedWithFavordynmodsMakesMovesCheap() {
        String m = HYBRID + "cgroup /run/isola/dynmods cgroup rw,relatime,favordynmods,name=isola 0 0\n";
        assertEquals("cheap: /run/isola/dynmods is mounted with favordynmods", CgroupLayout.moves(m, ""));
    }

    @Test
    void theBootParameterMakesMovesCheapButOnlyWhenItIsOn() {
        assertEquals("cheap: the kernel was booted with cgroup_favordynmods=1",
                CgroupLayout.moves(HYBRID, "quiet cgroup_favordynmods=1\n"));
        assertTrue(CgroupLayout.moves(HYBRID, "quiet cgroup_favordynmods=0").startsWith("the first move"));
    }

    @Test
    void pureV2NeedsNoMoveAtAll() {
        assertEquals("not needed: on cgroup v2 the workload is cloned into its cgroup",
                CgroupLayout.moves("cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime 0 0\n", ""));
    }
}
