// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupMountsTest {
    @TempDir
    Path fs;

    @Test
    void hybridUsesV1ControllersAndIgnoresHugetlbOnV2() throws Exception {
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/unified/cgroup.controllers"), "hugetlb\n");
        CgroupMounts m = CgroupMounts.parse(CgroupFakeTree.hybridMountinfo(), fs);
        assertEquals(new CgroupMounts.Location("memory", fs.resolve("sys/fs/cgroup/memory"), false), m.find("memory"));
        assertEquals(fs.resolve("sys/fs/cgroup/cpu"), m.find("cpu").mount());
        assertEquals(fs.resolve("sys/fs/cgroup/cpuacct"), m.find("cpuacct").mount(), "cpu and cpuacct are separate here");
        assertNull(m.find("io"), "io exists only on v2, which holds no io here");
        assertEquals(fs.resolve("sys/fs/cgroup/unified"), m.unified());
        assertTrue(m.describe().startsWith("hybrid:"), m.describe());
    }

    @Test
    void pureV2TakesEveryControllerTheRootLists() throws Exception {
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        CgroupMounts m = CgroupMounts.parse(CgroupFakeTree.unifiedMountinfo(), fs);
        for (String c : new String[] {"memory", "cpu", "cpuset", "pids", "io", "cpuacct"}) {
            assertTrue(m.find(c).v2(), c);
            assertEquals(fs.resolve("sys/fs/cgroup"), m.find(c).mount());
        }
        assertNull(m.find("blkio"));
        assertTrue(m.describe().startsWith("cgroup v2:"), m.describe());
    }

    @Test
    void aHybridWithSomeControllersOnV2UsesEachWhereItLives() throws Exception {
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/unified/cgroup.controllers"), "io pids\n");
        var lines = new java.util.ArrayList<>(CgroupFakeTree.hybridMountinfo());
        lines.removeIf(l -> l.endsWith("rw,pids") || l.endsWith("rw,blkio"));
        CgroupMounts m = CgroupMounts.parse(lines, fs);
        assertTrue(m.find("pids").v2());
        assertTrue(m.find("io").v2());
        assertFalse(m.find("memory").v2());
    }

    @Test
    void noCgroupsAtAll() {
        CgroupMounts m = CgroupMounts.parse(java.util.List.of(), fs);
        assertNull(m.find("memory"));
        assertEquals("no cgroup controllers mounted", m.describe());
    }
}
