// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static isola.linux.Sandboxes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.Capability;
import isola.api.ExitStatus;
import isola.api.IsolationException;
import isola.api.IsolatedProcess;
import isola.api.Isolation;
import isola.api.Limits;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SandboxStats;
import isola.api.UnsupportedCapabilityException;
import isola.linux.cgroup.CgroupMounts;
import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Limits on whatever cgroup layout this host has (v1 hybrid on the development machine, pure v2 in
 * the guest of vagrant/linux-guest): the same assertions on both.
 */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class CgroupIT {
    private static CgroupMounts mounts;

    @BeforeAll
    static void needs() {
        assumeTrue(Sandboxes.isRoot(), "cgroups are written as root");
        mounts = CgroupMounts.probe();
        assumeTrue(mounts.find("memory") != null && mounts.find("pids") != null && mounts.find("cpu") != null,
                "needs the memory, pids and cpu controllers: " + mounts.describe());
    }

    private static Limits limits(Long memory, Double cpus, Long pids) {
        return new Limits(memory, null, cpus, null, null, null, pids, null, List.of());
    }

    private static final java.util.Set<String> IDS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicInteger COUNTER = new java.util.concurrent.atomic.AtomicInteger();

    /** A spec whose id this test remembers, so that leftovers of other users of the host are not counted. */
    private static SandboxSpec.Builder spec(Limits l) {
        String id = "cgit-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        IDS.add(id);
        return SandboxSpec.builder().id(id).limits(l);
    }

    private static List<Path> leftovers() throws Exception {
        List<Path> out = new ArrayList<>();
        for (String c : new String[] {"memory", "pids", "cpu", "cpuacct", "freezer", "cpuset"}) {
            CgroupMounts.Location l = mounts.find(c);
            Path parent = l == null ? null : l.mount().resolve("isola");
            if (parent != null && Files.isDirectory(parent)) {
                try (var s = Files.list(parent)) {
                    s.filter(Files::isDirectory).filter(d -> IDS.contains(d.getFileName().toString())).forEach(out::add);
                }
            }
        }
        return out;
    }

    @Test
    void memoryHogIsOomKilledAndReported() throws Exception {
        var r = run(spec(limits(64L << 20, null, null)).build(), "sh", "-c", "exec tail /dev/zero");
        ExitStatus st = r.status();
        assertEquals(9, st.signal(), "the kernel's OOM killer sends SIGKILL");
        assertEquals(137, st.shellStatus());
        assertTrue(st.oomKilled(), st.toString());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void forkBombIsContainedAndReported() throws Exception {
        long t0 = System.nanoTime();
        ProcessSpec bomb = ProcessSpec.builder("sh", "-c", "i=0; while [ $i -lt 200 ]; do sleep 3 & i=$((i+1)); done; wait")
                .timeout(Duration.ofSeconds(30)).build();
        try (Sandbox s = Isolation.backend("linux").create(spec(limits(null, null, 32L)).build())) {
            IsolatedProcess p = s.exec(bomb);
            Thread.sleep(500);
            SandboxStats stats = s.stats();
            assertNotNull(stats.pids());
            assertTrue(stats.pids() <= 32, "pids now " + stats.pids());
            ExitStatus st = Sandboxes.capture(p).status();
            assertTrue(st.pidsLimitHit(), st.toString());
            assertTrue(!st.timedOut());
        }
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "contained promptly");
        assertEquals(List.of(), leftovers());
    }

    /**
     * The quota holds: never more than half a CPU, and the kernel throttled the spinner. (Less than
     * half is what a loaded machine gives, and the split into user and system time is sampled at ticks, so
     * the tolerance is wide; the cap and the throttling, not the share, are the assertion.)
     */
    @Test
    void cpuSpinnerGetsHalfACpu() throws Exception {
        SandboxSpec spec = spec(limits(null, 0.5, null)).build();
        try (Sandbox s = Isolation.backend("linux").create(spec)) {
            long t0 = System.nanoTime();
            IsolatedProcess p = s.exec(ProcessSpec.builder("sh", "-c", "while :; do :; done")
                    .timeout(Duration.ofSeconds(3)).stdout(Redirect.DISCARD).build());
            ExitStatus st = p.waitFor();
            double wall = (System.nanoTime() - t0) / 1e9;
            SandboxStats stats = s.stats();
            double cpu = (stats.cpuUserNanos() + stats.cpuSystemNanos()) / 1e9;
            double share = cpu / wall;
            assertTrue(st.timedOut());
            assertTrue(share <= 0.6 && share > 0.05, "measured CPU share " + share + " (cpu " + cpu + " s in " + wall + " s)");
            Path cpuDir = mounts.find("cpu").mount().resolve("isola").resolve(spec.id());
            long throttled = Files.readAllLines(cpuDir.resolve("cpu.stat")).stream().filter(l -> l.startsWith("nr_throttled "))
                    .mapToLong(l -> Long.parseLong(l.substring(13).strip())).findFirst().orElse(-1);
            assertTrue(throttled > 0, "the kernel throttled the spinner at its quota: nr_throttled " + throttled);
        }
    }

    @Test
    void statsAccountMemoryAndCpu() throws Exception {
        try (Sandbox s = Isolation.backend("linux").create(spec(limits(256L << 20, null, 100L)).build())) {
            var r = Sandboxes.capture(s.exec(ProcessSpec.builder("sh", "-c",
                    "head -c 16000000 /dev/zero >/tmp/fill; rm /tmp/fill; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done").build()));
            assertTrue(r.status().success(), r.err());
            SandboxStats st = s.stats();
            // 16 MB written to the sandbox's tmpfs are charged to its memory cgroup while they exist
            assertTrue(st.memoryPeakBytes() > 12L << 20, st.toString());
            assertTrue(st.cpuUserNanos() + st.cpuSystemNanos() > 0, st.toString());
            assertEquals(0L, st.oomKills());
        }
    }

    @Test
    void processesJoinTheCgroupBeforeTheirFirstInstruction() throws Exception {
        try (Sandbox s = Isolation.backend("linux").create(spec(limits(null, null, 50L)).build())) {
            var first = Sandboxes.capture(s.exec(ProcessSpec.builder("cat", "/proc/self/cgroup").build()));
            var joined = Sandboxes.capture(s.exec(ProcessSpec.builder("cat", "/proc/self/cgroup").build()));
            for (var r : List.of(first, joined)) {
                assertTrue(r.out().lines().allMatch(l -> l.endsWith(":/")), "every hierarchy is the namespace's root: " + r.out());
            }
        }
    }

    @Test
    void twoHundredLimitedSandboxesTwoAtATimeLeaveNothing() throws Exception {
        List<String> mountsBefore = hostMounts();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ExitStatus>> runs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                runs.add(pool.submit(() -> run(spec(limits(32L << 20, 1.0, 16L)).build(),
                        ProcessSpec.builder("/bin/true").stdin(Redirect.from(new File("/dev/null"))).build()).status()));
            }
            for (Future<ExitStatus> f : runs) {
                assertTrue(f.get().success());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(List.of(), leftovers(), "cgroups");
        isola.linux.cgroup.CgroupPool cgroupPool = new LinuxBackend().cgroupPool();
        assertTrue(cgroupPool.keptDirectories().size() <= isola.linux.cgroup.CgroupPool.DEFAULT_CAPACITY * 5,
                "at most the pool's capacity is kept: " + cgroupPool.keptDirectories());
        assertTrue(cgroupPool.drain());
        assertEquals(List.of(), poolLeftovers(), "kept cgroups after the pool is drained");
        assertEquals(List.of(), Sandboxes.helperProcesses(), "processes");
        assertEquals(mountsBefore, hostMounts(), "mounts");
    }

    /** This JVM's kept cgroups (pool-&lt;pid&gt;-&lt;n&gt;) in every hierarchy. */
    private static List<Path> poolLeftovers() throws Exception {
        return Sandboxes.cgroupsNamed(mounts, "pool-" + ProcessHandle.current().pid() + "-");
    }

    /**
     * On cgroup v1 a closed sandbox's emptied cgroups are renamed and kept a few seconds; the next
     * sandbox with the same limits gets them under its own id and counts from zero: no OOM kill of
     * the sandbox before it, its peak memory and CPU time reset. On cgroup v2 nothing is kept.
     */
    @Test
    void theNextSandboxWithTheSameLimitsReusesTheCgroupsAndCountsFromZero() throws Exception {
        Limits l = limits(64L << 20, null, 16L);
        LinuxBackend backend = new LinuxBackend();
        isola.linux.cgroup.CgroupPool cgroupPool = backend.cgroupPool();
        assertTrue(cgroupPool.drain());
        SandboxSpec first = spec(l).build();
        var r = run(first, "sh", "-c", "exec tail /dev/zero");
        assertTrue(r.status().oomKilled(), r.status().toString());
        Path firstMemory = mounts.find("memory").mount().resolve("isola").resolve(first.id());
        assertTrue(!Files.exists(firstMemory), "nothing is left under the closed sandbox's id");
        if (mounts.find("memory").v2()) {
            assertEquals(List.of(), cgroupPool.keptDirectories(), "cgroup v2: nothing kept");
            return;
        }
        List<Path> kept = cgroupPool.keptDirectories();
        assertTrue(!kept.isEmpty() && kept.stream().allMatch(d -> d.getFileName().toString().startsWith("pool-")), kept.toString());
        SandboxSpec second = spec(l).build();
        try (Sandbox s = backend.create(second)) {
            assertEquals(List.of(), cgroupPool.keptDirectories(), "taken by the next sandbox");
            Path secondMemory = mounts.find("memory").mount().resolve("isola").resolve(second.id());
            assertTrue(Files.isDirectory(secondMemory), "renamed to the new sandbox's id");
            assertEquals(String.valueOf(64L << 20), Files.readString(secondMemory.resolve("memory.limit_in_bytes")).strip());
            ExitStatus st = Sandboxes.capture(s.exec(ProcessSpec.builder("sh", "-c", "head -c 1000000 /dev/zero | tail -c 1 >/dev/null").build())).status();
            assertTrue(st.success(), st.toString());
            assertTrue(!st.oomKilled(), "the kill was the closed sandbox's: " + st);
            SandboxStats stats = s.stats();
            assertEquals(0L, stats.oomKills());
            assertTrue(stats.memoryPeakBytes() < (60L << 20), "the peak restarted: " + stats);
            // a second OOM in the reused cgroups is this sandbox's own
            ExitStatus hog = Sandboxes.capture(s.exec(ProcessSpec.builder("sh", "-c", "exec tail /dev/zero").build())).status();
            assertTrue(hog.oomKilled(), hog.toString());
            assertEquals(1L, s.stats().oomKills());
        }
        assertTrue(cgroupPool.drain());
        assertEquals(List.of(), poolLeftovers());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aCrashedOwnersCgroupsAreSweptAndItsIdIsHeldWhileItLives() throws Exception {
        String id = "cgit-crash-" + ProcessHandle.current().pid();
        IDS.add(id);
        Path memoryCgroup = mounts.find("memory").mount().resolve("isola").resolve(id);
        Path pidsCgroup = mounts.find("pids").mount().resolve("isola").resolve(id);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LeaseHolder.class.getName(), "sandbox", id)
                .redirectError(Redirect.INHERIT).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
            assertEquals("ready", out.readLine());
            assertTrue(Files.isDirectory(memoryCgroup) && Files.isDirectory(pidsCgroup));
            var dup = org.junit.jupiter.api.Assertions.assertThrows(isola.api.IsolationException.class,
                    () -> new LinuxBackend().create(SandboxSpec.builder().id(id).build()));
            assertTrue(dup.getMessage().contains("sandbox id " + id + " is in use"), dup.getMessage());
            assertTrue(Files.isDirectory(memoryCgroup), "a refused duplicate touches nothing");
        } finally {
            child.destroyForcibly().waitFor();
        }
        // The helper saw its socket close and killed the workload; only the cgroups are left.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Path procs = memoryCgroup.resolve("cgroup.procs");
        while (!Files.readString(procs).isBlank() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("", Files.readString(procs), "the workload died with its owner");
        assertTrue(Files.isDirectory(memoryCgroup), "the crash left the cgroup");
        // The next backend to start sweeps it, and the id is free again.
        try (Sandbox s = new LinuxBackend().create(SandboxSpec.builder().id(id).build())) {
            assertEquals(0, Sandboxes.capture(s.exec(ProcessSpec.builder("true").build())).status().exitCode());
        }
        assertTrue(!Files.exists(memoryCgroup) && !Files.exists(pidsCgroup), "swept");
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aConfiguredParentHoldsTheSandboxAndItsOwnLimitAppliesOnTop() throws Exception {
        String parent = "isola-it-parent-" + ProcessHandle.current().pid();
        CgroupMounts.Location mem = mounts.find("memory");
        Path parentDir = mem.mount().resolve(parent);
        Files.createDirectories(parentDir);
        try {
            Files.writeString(parentDir.resolve(mem.v2() ? "memory.max" : "memory.limit_in_bytes"),
                    Long.toString(24L << 20));
            if (mem.v2()) {
                Files.writeString(parentDir.resolve("memory.swap.max"), "0");
            }
            SandboxSpec spec = spec(limits(256L << 20, null, null))
                    .linux(new isola.api.LinuxOptions(isola.api.LinuxOptions.UserNamespace.AUTO, true, true, parent))
                    .build();
            Path own = parentDir.resolve(spec.id());
            try (Sandbox s = Isolation.backend("linux").create(spec)) {
                assertTrue(Files.isDirectory(own), "made under the parent: " + own);
                var r = Sandboxes.capture(s.exec(ProcessSpec.builder("sh", "-c",
                        "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived").build()));
                assertEquals(137, r.status().shellStatus(), "the parent's 24 MiB applies below the sandbox's 256 MiB");
            }
            assertTrue(!Files.exists(own), "removed");
        } finally {
            // the parent is the caller's to manage (as with docker --cgroup-parent): remove it everywhere
            for (String c : List.of("memory", "pids", "cpu", "cpuacct", "freezer")) {
                CgroupMounts.Location l = mounts.find(c);
                if (l != null) {
                    Files.deleteIfExists(l.mount().resolve(parent));
                }
            }
        }
    }

    @Test
    void liveChangesHoldForTheNextProcessesAndAFailedOneChangesNothing() throws Exception {
        // one 100 MiB buffer: killed under 64 MiB, fine under 256 MiB
        ProcessSpec hog = ProcessSpec.builder("sh", "-c", "exec dd if=/dev/zero of=/dev/null bs=100M count=1")
                .stdin(Redirect.from(new File("/dev/null"))).build();
        try (Sandbox s = Isolation.backend("linux").create(spec(new Limits(64L << 20, null, null, null, "0", null, 64L,
                null, List.of())).build())) {
            ExitStatus before = Sandboxes.capture(s.exec(hog)).status();
            assertTrue(before.oomKilled(), "killed under 64 MiB: " + before);
            // on v1 memory+swap is 64 MiB too, so raising the limit past it must raise memsw first
            Limits now = s.updateLimits(new Limits(256L << 20, null, null, null, null, null, null, null, List.of()));
            assertEquals(new Limits(256L << 20, null, null, null, "0", null, 64L, null, List.of()), now);
            var after = Sandboxes.capture(s.exec(hog));
            assertEquals(0, after.status().exitCode(), "fine under 256 MiB: " + after.status() + after.err());
            assertTrue(!after.status().oomKilled());

            // memory is written first, then the kernel refuses CPU 1000: memory is put back
            IsolationException e = assertThrows(IsolationException.class, () -> s.updateLimits(new Limits(32L << 20,
                    null, null, null, "1000", null, null, null, List.of())));
            assertTrue(e.getMessage().contains("cpuset.cpus"), e.getMessage());
            var again = Sandboxes.capture(s.exec(hog));
            assertEquals(0, again.status().exitCode(), "the failed change left 256 MiB: " + again.status() + again.err());

            UnsupportedCapabilityException noCpu = assertThrows(UnsupportedCapabilityException.class,
                    () -> s.updateLimits(new Limits(null, null, 0.5, null, null, null, null, null, List.of())));
            assertEquals(Capability.CPU_LIMIT, noCpu.capability(), noCpu.getMessage());
        }
        try (Sandbox s = Isolation.backend("linux").create(spec(Limits.NONE).build())) {
            UnsupportedCapabilityException none = assertThrows(UnsupportedCapabilityException.class,
                    () -> s.updateLimits(new Limits(null, null, null, null, null, null, 10L, null, List.of())));
            assertEquals(Capability.LIVE_LIMIT_UPDATE, none.capability(), none.getMessage());
        }
        assertEquals(List.of(), leftovers());
    }

    /**
     * The host's mount table, without the per-unit credential mounts systemd makes and removes under
     * /run/credentials as its services (timers included) come and go: on a systemd host they change
     * while the test runs, and they are never isola's.
     */
    private static List<String> hostMounts() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> !l.split(" ")[4].startsWith("/run/credentials/")).toList();
    }
}
