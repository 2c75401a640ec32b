// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.Capability;
import isola.api.Limits;
import isola.api.UnsupportedCapabilityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits written into a fake tree: the file names and values each cgroup version expects. */
class SandboxCgroupsTest {
    @TempDir
    Path fs;

    /** What create told its recorder before making anything. */
    private final List<Path> recorded = new java.util.ArrayList<>();

    private static Limits limits(Long mem, Long swap, Double cpus, Integer weight, String cpus2, Long pids) {
        return new Limits(mem, swap, cpus, weight, cpus2, null, pids, null, List.of());
    }

    /** Prepares empty control files in the sandbox's future directory, as the kernel would create them. */
    private void v1Files(String controller, String... files) throws Exception {
        Path dir = fs.resolve("sys/fs/cgroup/" + controller + "/isola/box");
        for (String f : files) {
            CgroupFakeTree.write(dir.resolve(f), "");
        }
    }

    @Test
    void v1WritesLimitInBytesMemswQuotaPeriodSharesPidsAndCpuset() throws Exception {
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/unified/cgroup.controllers"), "hugetlb\n");
        v1Files("memory", "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "cgroup.procs");
        v1Files("cpu", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.shares", "cgroup.procs");
        v1Files("pids", "pids.max", "cgroup.procs");
        v1Files("cpuset", "cpuset.cpus", "cpuset.mems", "cgroup.procs");
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/cpuset/cpuset.cpus"), "0-1\n");
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/cpuset/cpuset.mems"), "0\n");
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/cpuset/isola/cpuset.cpus"), "");
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/cpuset/isola/cpuset.mems"), "");
        CgroupMounts m = CgroupMounts.parse(CgroupFakeTree.hybridMountinfo(), fs);
        SandboxCgroups cg = SandboxCgroups.create(m, "isola", "box", limits(64L << 20, null, 0.5, 100, "1", 32L), recorded::addAll);
        assertEquals(cg.directories(), recorded, "every directory is recorded for a crash sweep");
        Path base = fs.resolve("sys/fs/cgroup");
        assertEquals("67108864", Files.readString(base.resolve("memory/isola/box/memory.limit_in_bytes")));
        assertEquals("67108864", Files.readString(base.resolve("memory/isola/box/memory.memsw.limit_in_bytes")),
                "without a swap limit, no swap beyond the memory limit");
        assertEquals("100000", Files.readString(base.resolve("cpu/isola/box/cpu.cfs_period_us")));
        assertEquals("50000", Files.readString(base.resolve("cpu/isola/box/cpu.cfs_quota_us")));
        // runc maps shares to weight as 1 + (shares - 2) * 9999 / 262142; inverted: 2 + 99 * 262142 / 9999 = 2597
        assertEquals("2597", Files.readString(base.resolve("cpu/isola/box/cpu.shares")));
        assertEquals("32", Files.readString(base.resolve("pids/isola/box/pids.max")));
        assertEquals("0-1", Files.readString(base.resolve("cpuset/isola/cpuset.cpus")), "a v1 cpuset parent is initialised");
        assertEquals("0", Files.readString(base.resolve("cpuset/isola/box/cpuset.mems")));
        assertEquals("1", Files.readString(base.resolve("cpuset/isola/box/cpuset.cpus")));
        assertTrue(cg.procsFiles().contains(base.resolve("memory/isola/box/cgroup.procs").toString()));
        assertTrue(cg.procsFiles().contains(base.resolve("cpuacct/isola/box/cgroup.procs").toString()), "cpuacct for CPU time");
    }

    @Test
    void v2WritesMaxSwapMaxCpuMaxWeightAndEnablesControllersInTheParents() throws Exception {
        Path root = fs.resolve("sys/fs/cgroup");
        CgroupFakeTree.write(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        CgroupFakeTree.write(root.resolve("cgroup.subtree_control"), "");
        CgroupFakeTree.write(root.resolve("isola/cgroup.subtree_control"), "");
        for (String f : new String[] {"memory.max", "memory.swap.max", "cpu.max", "cpu.weight", "pids.max", "cgroup.procs"}) {
            CgroupFakeTree.write(root.resolve("isola/box/" + f), "");
        }
        CgroupMounts m = CgroupMounts.parse(CgroupFakeTree.unifiedMountinfo(), fs);
        SandboxCgroups cg = SandboxCgroups.create(m, "isola", "box", limits(64L << 20, 96L << 20, 1.5, 50, null, 10L), recorded::addAll);
        Path box = root.resolve("isola/box");
        assertEquals("67108864", Files.readString(box.resolve("memory.max")));
        assertEquals("33554432", Files.readString(box.resolve("memory.swap.max")), "swap = memory+swap - memory");
        assertEquals("150000 100000", Files.readString(box.resolve("cpu.max")));
        assertEquals("50", Files.readString(box.resolve("cpu.weight")));
        assertEquals("10", Files.readString(box.resolve("pids.max")));
        // a fake file keeps only the last write; the kernel accumulates "+c" writes
        assertTrue(Files.readString(root.resolve("cgroup.subtree_control")).startsWith("+"));
        assertEquals(List.of(box.resolve("cgroup.procs").toString()), cg.procsFiles(), "one directory on v2");
    }

    @Test
    void aMissingControllerFailsClosedNamingIt() throws Exception {
        CgroupFakeTree.write(fs.resolve("sys/fs/cgroup/cgroup.controllers"), "cpu pids\n");
        CgroupMounts m = CgroupMounts.parse(CgroupFakeTree.unifiedMountinfo(), fs);
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> SandboxCgroups.create(m, "isola", "box", limits(1L << 20, null, null, null, null, null), recorded::addAll));
        assertEquals(Capability.MEMORY_LIMIT, e.capability());
        assertEquals("memory_limit is not supported by backend linux: the memory cgroup controller is not available: "
                + "neither a cgroup v1 hierarchy for it is mounted nor is it listed in cgroup.controllers of "
                + fs.resolve("sys/fs/cgroup"), e.getMessage());
        assertTrue(!Files.exists(fs.resolve("sys/fs/cgroup/isola")), "nothing was created");
    }

    @Test
    void verdictsAndStatsAreReadFromTheEventFiles() throws Exception {
        Path root = fs.resolve("sys/fs/cgroup");
        CgroupFakeTree.write(root.resolve("cgroup.controllers"), "memory pids\n");
        CgroupFakeTree.write(root.resolve("isola/box/memory.max"), "");
        CgroupFakeTree.write(root.resolve("isola/box/memory.swap.max"), "");
        CgroupMounts m = CgroupMounts.parse(CgroupFakeTree.unifiedMountinfo(), fs);
        SandboxCgroups cg = SandboxCgroups.create(m, "isola", "box", limits(8L << 20, null, null, null, null, null), recorded::addAll);
        Path box = root.resolve("isola/box");
        CgroupFakeTree.write(box.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        CgroupFakeTree.write(box.resolve("pids.events"), "max 2\n");
        CgroupFakeTree.write(box.resolve("memory.current"), "4096\n");
        CgroupFakeTree.write(box.resolve("memory.peak"), "8388608\n");
        CgroupFakeTree.write(box.resolve("pids.current"), "3\n");
        CgroupFakeTree.write(box.resolve("cpu.stat"), "usage_usec 300\nuser_usec 200\nsystem_usec 100\n");
        assertEquals(1, cg.oomKills());
        assertEquals(2, cg.pidsLimitHits());
        var st = cg.stats();
        assertEquals(200_000L, st.cpuUserNanos());
        assertEquals(100_000L, st.cpuSystemNanos());
        assertEquals(4096L, st.memoryBytes());
        assertEquals(8388608L, st.memoryPeakBytes());
        assertEquals(3L, st.pids());
    }

    @Test
    void cpuWeightMapsToSharesAcrossTheRange() {
        assertEquals(2, CgroupV1Cpu.shares(1));
        assertEquals(262144, CgroupV1Cpu.shares(10000));
        assertEquals(1000, CgroupV1Cpu.quota(0.001), "the kernel's minimum quota is 1 ms");
        assertEquals(250000, CgroupV1Cpu.quota(2.5));
    }

    /** A v2 sandbox with memory, pids and io, its control files holding what the kernel starts them with. */
    private SandboxCgroups v2Box(Path box) throws Exception {
        Path root = box.getParent().getParent();
        CgroupFakeTree.write(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        CgroupFakeTree.write(root.resolve("cgroup.subtree_control"), "");
        CgroupFakeTree.write(root.resolve("isola/cgroup.subtree_control"), "");
        CgroupFakeTree.write(box.resolve("memory.max"), "max\n");
        CgroupFakeTree.write(box.resolve("memory.swap.max"), "max\n");
        CgroupFakeTree.write(box.resolve("pids.max"), "max\n");
        CgroupFakeTree.write(box.resolve("io.weight"), "default 100\n");
        CgroupFakeTree.write(box.resolve("io.max"), "");
        CgroupFakeTree.write(box.resolve("cgroup.procs"), "");
        CgroupMounts m = CgroupMounts.parse(CgroupFakeTree.unifiedMountinfo(), fs);
        return SandboxCgroups.create(m, "isola", "box", new Limits(64L << 20, null, null, null, null, null, 32L, 100,
                List.of()), recorded::addAll);
    }

    @Test
    void anUpdateRewritesOnlyWhatItChangesAndReturnsTheLimitsInForce() throws Exception {
        Path box = fs.resolve("sys/fs/cgroup/isola/box");
        SandboxCgroups cg = v2Box(box);
        Limits current = new Limits(64L << 20, null, null, null, null, null, 32L, 100, List.of());
        Files.writeString(box.resolve("io.weight"), "default 100\n");
        Limits after = cg.update(current, new Limits(null, null, null, null, null, null, 64L, null,
                List.of(new Limits.DeviceIo("/dev/null", 1000L, null))));
        assertEquals(new Limits(64L << 20, null, null, null, null, null, 64L, 100,
                List.of(new Limits.DeviceIo("/dev/null", 1000L, null))), after);
        assertEquals("64", Files.readString(box.resolve("pids.max")));
        assertEquals("1:3 rbps=1000 wbps=max", Files.readString(box.resolve("io.max")),
                "a device's entry is the whole truth for it: an unset rate is max");
        assertEquals("67108864", Files.readString(box.resolve("memory.max")), "memory was not asked to change");
        cg.update(after, new Limits(128L << 20, 192L << 20, null, null, null, null, null, null, List.of()));
        assertEquals("134217728", Files.readString(box.resolve("memory.max")));
        assertEquals("67108864", Files.readString(box.resolve("memory.swap.max")));
    }

    @Test
    void aWriteFailingHalfWayPutsBackEveryFileAlreadyWritten() throws Exception {
        Path box = fs.resolve("sys/fs/cgroup/isola/box");
        SandboxCgroups cg = v2Box(box);
        Limits current = new Limits(64L << 20, null, null, null, null, null, 32L, 100, List.of());
        Files.writeString(box.resolve("io.max"), "1:3 rbps=5 wbps=max riops=max wiops=max\n");
        // the kernel refuses io.weight (here: the file is a directory, so the write fails)
        Files.delete(box.resolve("io.weight"));
        Files.createDirectory(box.resolve("io.weight"));
        Files.writeString(box.resolve("io.weight/x"), "");
        Limits change = new Limits(16L << 20, null, null, null, null, null, 8L, 300,
                List.of(new Limits.DeviceIo("/dev/null", null, 7L)));
        isola.api.IsolationException e = assertThrows(isola.api.IsolationException.class, () -> cg.update(current, change));
        assertTrue(e.getMessage().contains("io.weight"), e.getMessage());
        assertEquals("67108864", Files.readString(box.resolve("memory.max")), "memory put back");
        assertEquals("0", Files.readString(box.resolve("memory.swap.max")), "swap put back as it was");
        assertEquals("32", Files.readString(box.resolve("pids.max")), "pids put back");
        assertEquals("1:3 rbps=5 wbps=max riops=max wiops=max", Files.readString(box.resolve("io.max")).strip(),
                "the device's line is as it was");
    }

    @Test
    void aChangeNeedingACgroupTheSandboxLacksFailsClosedAndWritesNothing() throws Exception {
        Path box = fs.resolve("sys/fs/cgroup/isola/box");
        SandboxCgroups cg = v2Box(box);
        Limits current = new Limits(64L << 20, null, null, null, null, null, 32L, 100, List.of());
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> cg.update(current, new Limits(null, null, 0.5, null, null, null, 8L, null, List.of())));
        assertEquals(Capability.CPU_LIMIT, e.capability());
        assertTrue(e.getMessage().contains("the sandbox has no cpu cgroup: its limits at creation needed none. "
                + "Create it with a cpu limit (any value) to change that limit later"), e.getMessage());
        assertEquals("32", Files.readString(box.resolve("pids.max")), "nothing written");
    }

    @Test
    void theJournalPutsBackADevicesLineOrItsNoThrottleEntryNewestFirst() throws Exception {
        Path dir = fs.resolve("cg");
        CgroupFakeTree.write(dir.resolve("io.max"), "8:0 rbps=5 wbps=max riops=max wiops=max\n");
        CgroupFakeTree.write(dir.resolve("blkio.throttle.read_bps_device"), "");
        CgroupFakeTree.write(dir.resolve("pids.max"), "max\n");
        CgroupFiles.Journal j = new CgroupFiles.Journal();
        j.write(dir, "pids.max", "10");
        j.write(dir, "pids.max", "20");
        j.write(dir, "io.max", "8:0 rbps=9 wbps=max");
        j.write(dir, "blkio.throttle.read_bps_device", "8:16 100");
        RuntimeException cause = new RuntimeException("later write failed");
        j.undo(cause);
        assertEquals("max", Files.readString(dir.resolve("pids.max")), "the oldest value wins: newest undone first");
        assertEquals("8:0 rbps=5 wbps=max riops=max wiops=max", Files.readString(dir.resolve("io.max")));
        assertEquals("8:16 0", Files.readString(dir.resolve("blkio.throttle.read_bps_device")),
                "a device without a throttle before gets the entry that removes one");
        assertEquals(0, cause.getSuppressed().length);
    }
}
