// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Emptied v1 groups kept for the next sandbox with the same limits, on a fake tree. */
class CgroupPoolTest {
    @TempDir
    Path fs;

    /** What the pool's record listed, each time it changed. */
    private final List<List<Path>> poolRecords = new ArrayList<>();
    private final List<Path> sandboxRecord = new ArrayList<>();

    private static final Limits LIMITS = new Limits(64L << 20, null, 1.0, null, null, null, 64L, null, List.of());

    private Path v1(String controller) {
        return fs.resolve("sys/fs/cgroup/" + controller + "/isola");
    }

    /** The files the kernel would show in a new v1 group of each hierarchy a limited sandbox uses. */
    private void kernelFiles(String id) throws Exception {
        CgroupFakeTree.write(v1("memory").resolve(id + "/memory.limit_in_bytes"), "");
        CgroupFakeTree.write(v1("memory").resolve(id + "/memory.memsw.limit_in_bytes"), "");
        CgroupFakeTree.write(v1("memory").resolve(id + "/memory.usage_in_bytes"), "0\n");
        CgroupFakeTree.write(v1("memory").resolve(id + "/cgroup.procs"), "");
        CgroupFakeTree.write(v1("memory").resolve(id + "/memory.max_usage_in_bytes"), "0\n");
        CgroupFakeTree.write(v1("memory").resolve(id + "/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        CgroupFakeTree.write(v1("cpu").resolve(id + "/cpu.cfs_period_us"), "");
        CgroupFakeTree.write(v1("cpu").resolve(id + "/cpu.cfs_quota_us"), "");
        CgroupFakeTree.write(v1("cpuacct").resolve(id + "/cpuacct.usage"), "123456\n");
        CgroupFakeTree.write(v1("pids").resolve(id + "/pids.max"), "");
        CgroupFakeTree.write(v1("pids").resolve(id + "/pids.events"), "max 0\n");
    }

    private CgroupMounts hybrid() throws Exception {
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/unified/cgroup.controllers"), "hugetlb\n");
        return CgroupMounts.parse(CgroupFakeTree.hybridMountinfo(), fs);
    }

    private CgroupPool pool(int capacity) {
        return new CgroupPool(capacity, "pool-7-", dirs -> poolRecords.add(List.copyOf(dirs)));
    }

    @Test
    void aClosedSandboxsGroupIsKeptUnderAPoolNameAndTheNextWithTheSameLimitsGetsItUnderItsId() throws Exception {
        CgroupMounts m = hybrid();
        kernelFiles("a");
        CgroupPool pool = pool(4);
        SandboxCgroups a = SandboxCgroups.create(m, "isola", "a", LIMITS, sandboxRecord::addAll, pool);
        Files.writeString(v1("memory").resolve("a/memory.max_usage_in_bytes"), "5000000\n");
        a.release(pool);
        for (String c : List.of("memory", "cpu", "cpuacct", "pids")) {
            assertFalse(Files.exists(v1(c).resolve("a")), c + ": renamed, not left under the old id");
            assertTrue(Files.isDirectory(v1(c).resolve("pool-7-1")), c + ": kept as pool-7-1");
        }
        assertEquals("0", Files.readString(v1("memory").resolve("pool-7-1/memory.max_usage_in_bytes")),
                "the peak starts again");
        assertEquals("0", Files.readString(v1("cpuacct").resolve("pool-7-1/cpuacct.usage")), "so does CPU time");
        assertEquals(4, pool.keptDirectories().size());
        assertTrue(poolRecords.get(0).containsAll(pool.keptDirectories()),
                "the record listed the pool names before anything was renamed");

        sandboxRecord.clear();
        SandboxCgroups b = SandboxCgroups.create(m, "isola", "b", LIMITS, sandboxRecord::addAll, pool);
        assertNotSame(a, b);
        assertEquals(List.of(), pool.keptDirectories(), "taken");
        for (String c : List.of("memory", "cpu", "cpuacct", "pids")) {
            assertTrue(Files.isDirectory(v1(c).resolve("b")), c + ": renamed to the new sandbox's id");
            assertFalse(Files.exists(v1(c).resolve("pool-7-1")), c);
        }
        assertEquals(b.directories(), sandboxRecord, "the new sandbox's record lists its names");
        assertTrue(b.procsFiles().contains(v1("memory").resolve("b/cgroup.procs").toString()));
    }

    @Test
    void onlyTheSameParentAndLimitsTakeAKeptGroup() throws Exception {
        CgroupMounts m = hybrid();
        kernelFiles("a");
        kernelFiles("c");
        CgroupPool pool = pool(4);
        SandboxCgroups.create(m, "isola", "a", LIMITS, sandboxRecord::addAll, pool).release(pool);
        Limits other = new Limits(32L << 20, null, 1.0, null, null, null, 64L, null, List.of());
        SandboxCgroups c = SandboxCgroups.create(m, "isola", "c", other, sandboxRecord::addAll, pool);
        assertEquals(4, pool.keptDirectories().size(), "other limits: the kept group stays");
        assertEquals("33554432", Files.readString(v1("memory").resolve("c/memory.limit_in_bytes")), "a fresh group, limited");
        assertTrue(Files.isDirectory(v1("memory").resolve("pool-7-1")));
        assertTrue(c.directories().stream().allMatch(d -> d.getFileName().toString().equals("c")));
    }

    @Test
    void noMoreThanTheCapacityIsKept() throws Exception {
        CgroupMounts m = hybrid();
        kernelFiles("a");
        kernelFiles("b");
        CgroupPool pool = pool(1);
        SandboxCgroups a = SandboxCgroups.create(m, "isola", "a", LIMITS, sandboxRecord::addAll, pool);
        SandboxCgroups b = SandboxCgroups.create(m, "isola", "b", LIMITS, sandboxRecord::addAll, pool);
        assertTrue(pool.keep(a));
        assertFalse(pool.keep(b), "full: the caller removes it");
        assertTrue(Files.isDirectory(v1("memory").resolve("b")), "untouched when refused");
        assertFalse(pool(0).keep(b), "capacity 0 keeps nothing");
    }

    @Test
    void aGroupWithMuchMemoryStillChargedIsNotReused() throws Exception {
        CgroupMounts m = hybrid();
        kernelFiles("a");
        CgroupPool pool = pool(4);
        SandboxCgroups a = SandboxCgroups.create(m, "isola", "a", LIMITS, sandboxRecord::addAll, pool);
        Files.writeString(v1("memory").resolve("a/memory.usage_in_bytes"), (CgroupPool.MAX_LEFT_CHARGED + 1) + "\n");
        assertFalse(a.resetForReuse(), "too much still charged: removed, not kept");
        Files.writeString(v1("memory").resolve("a/memory.usage_in_bytes"), "0\n");
        Files.writeString(v1("memory").resolve("a/cgroup.procs"), "4242\n");
        assertFalse(a.resetForReuse(), "a process still there: never handed on");
        Files.writeString(v1("memory").resolve("a/cgroup.procs"), "");
        Files.writeString(v1("memory").resolve("a/memory.usage_in_bytes"), CgroupPool.MAX_LEFT_CHARGED + "\n");
        assertTrue(a.resetForReuse());
        assertTrue(pool.keep(a));
    }

    @Test
    void aGroupIsRenamedWhileItsSandboxIsKilledAndKeptOnceItIsGone() throws Exception {
        CgroupMounts m = hybrid();
        kernelFiles("a");
        CgroupPool pool = pool(4);
        SandboxCgroups a = SandboxCgroups.create(m, "isola", "a", LIMITS, sandboxRecord::addAll, pool);
        String name = a.reserve(pool);
        assertEquals("pool-7-1", name);
        assertTrue(Files.isDirectory(v1("pids").resolve("pool-7-1")) && !Files.exists(v1("pids").resolve("a")));
        assertTrue(a.directories().stream().allMatch(d -> d.getFileName().toString().equals("pool-7-1")),
                "the group knows its new names, so a failed keep removes the right ones");
        assertTrue(poolRecords.get(poolRecords.size() - 1).containsAll(a.directories()), "listed for a crash sweep");
        assertEquals(List.of(), pool.keptDirectories(), "not offered before its processes are gone");
        a.release(pool, name);
        assertEquals(a.directories(), pool.keptDirectories());
    }

    @Test
    void aCgroupV2GroupIsNeverKept() throws Exception {
        Path root = fs.resolve("sys/fs/cgroup");
        CgroupFakeTree.write(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        CgroupFakeTree.write(root.resolve("cgroup.subtree_control"), "cpu memory pids\n");
        CgroupFakeTree.write(root.resolve("isola/cgroup.subtree_control"), "cpu memory pids\n");
        for (String f : List.of("memory.max", "memory.swap.max", "cpu.max", "pids.max")) {
            CgroupFakeTree.write(root.resolve("isola/a/" + f), "");
        }
        CgroupMounts m = CgroupMounts.parse(CgroupFakeTree.unifiedMountinfo(), fs);
        CgroupPool pool = pool(4);
        SandboxCgroups a = SandboxCgroups.create(m, "isola", "a", LIMITS, sandboxRecord::addAll, pool);
        assertFalse(pool.keep(a), "memory.peak cannot be reset for everyone on v2");
        assertEquals(List.of(), poolRecords, "nothing was recorded");
    }

    @Test
    void aReusedGroupCountsOomKillsAndPidsLimitHitsFromWhatItHeldWhenTaken() throws Exception {
        CgroupMounts m = hybrid();
        kernelFiles("a");
        CgroupPool pool = pool(4);
        SandboxCgroups a = SandboxCgroups.create(m, "isola", "a", LIMITS, sandboxRecord::addAll, pool);
        Files.writeString(v1("memory").resolve("a/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        Files.writeString(v1("pids").resolve("a/pids.events"), "max 7\n");
        assertEquals(3, a.oomKills());
        assertEquals(7, a.pidsLimitHits());
        a.release(pool);
        SandboxCgroups b = SandboxCgroups.create(m, "isola", "b", LIMITS, sandboxRecord::addAll, pool);
        b.settleBaselines();
        assertEquals(0, b.oomKills(), "the closed sandbox's kills are not the new one's");
        assertEquals(0, b.pidsLimitHits());
        assertEquals(0, b.stats().oomKills());
        Files.writeString(v1("memory").resolve("b/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 4\n");
        Files.writeString(v1("pids").resolve("b/pids.events"), "max 9\n");
        assertEquals(1, b.oomKills());
        assertEquals(2, b.pidsLimitHits());
    }
}
