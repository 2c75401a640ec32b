// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Capability;
import isola.api.IsolationException;
import isola.api.Limits;
import isola.api.SandboxStats;
import isola.api.UnsupportedCapabilityException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cgroups of one sandbox: {@code <hierarchy>/<parent>/<id>} in every hierarchy that holds a
 * controller its limits need (one directory on v2, one per hierarchy on v1), plus memory and pids
 * for the verdicts and cpuacct for the CPU time. Created and limited before the workload starts;
 * the helper moves the workload in before exec. Removed after the last process is gone.
 */
public final class SandboxCgroups {
    private final CgroupMounts mounts;
    private final Map<String, Path> dirs;
    private final String parent;
    private volatile Limits limits;
    /**
     * A group reused from a closed sandbox counts OOM kills and pids limit hits from what its
     * counters (which cannot be reset) held when this sandbox got it; read on first use.
     */
    private boolean baseRead;
    private long oomBase;
    private long pidsBase;

    SandboxCgroups(CgroupMounts mounts, Map<String, Path> dirs, String parent, Limits limits, boolean reused) {
        this.mounts = mounts;
        this.dirs = dirs;
        this.parent = parent;
        this.limits = limits;
        this.baseRead = !reused;
    }

    /**
     * Reads the counters a reused group counts from, if not yet done. Before the sandbox's first
     * process starts (the exec does it while the helper starts), or at the first count asked for.
     */
    public synchronized void settleBaselines() {
        if (!baseRead) {
            baseRead = true;
            Path mem = dirs.get("memory");
            Path pids = dirs.get("pids");
            oomBase = mem == null ? 0 : rawOomKills(mem);
            pidsBase = pids == null ? 0 : Math.max(0, CgroupFiles.keyed(pids, "pids.events", "max"));
        }
    }

    /** @return v1 and v2 controllers for each limit */
    static List<CgroupController> controllers(boolean v2, String name) {
        return switch (name) {
            case "memory" -> List.of(v2 ? new CgroupV2Memory() : new CgroupV1Memory());
            case "cpu" -> List.of(v2 ? new CgroupV2Cpu() : new CgroupV1Cpu());
            case "cpuset" -> List.of(new CgroupCpuset());
            case "pids" -> List.of(new CgroupPids());
            case "blkio" -> List.of(new CgroupV1Blkio());
            case "io" -> List.of(new CgroupV2Io());
            default -> List.of();
        };
    }

    /**
     * The controllers some limits need, each mapped to where it lives here.
     *
     * @param mounts this host's layout
     * @param l the limits
     * @return controller name to location
     * @throws UnsupportedCapabilityException naming the first limit whose controller is missing
     */
    static Map<String, CgroupMounts.Location> needed(CgroupMounts mounts, Limits l) {
        Map<String, CgroupMounts.Location> out = new LinkedHashMap<>();
        need(out, mounts, l.memoryBytes() != null, "memory", Capability.MEMORY_LIMIT);
        need(out, mounts, l.cpus() != null, "cpu", Capability.CPU_LIMIT);
        need(out, mounts, l.cpuWeight() != null, "cpu", Capability.CPU_WEIGHT);
        need(out, mounts, l.cpusetCpus() != null || l.cpusetMems() != null, "cpuset", Capability.CPUSET);
        need(out, mounts, l.pids() != null, "pids", Capability.PIDS_LIMIT);
        boolean io = l.ioWeight() != null || !l.deviceIo().isEmpty();
        if (io) {
            need(out, mounts, true, mounts.find("blkio") != null ? "blkio" : "io", Capability.IO_LIMIT);
        }
        return out;
    }

    private static void need(Map<String, CgroupMounts.Location> out, CgroupMounts mounts, boolean wanted, String c,
            Capability cap) {
        if (!wanted) {
            return;
        }
        CgroupMounts.Location loc = mounts.find(c);
        if (loc == null) {
            throw new UnsupportedCapabilityException(cap, "linux", "the " + c + " cgroup controller is not available: "
                    + "neither a cgroup v1 hierarchy for it is mounted nor is it listed in cgroup.controllers of "
                    + (mounts.unified() == null ? "a cgroup2 mount (none is mounted)" : mounts.unified()));
        }
        out.put(c, loc);
    }

    /**
     * Creates and limits the sandbox's cgroups; on failure removes whatever it made.
     *
     * @param mounts this host's layout
     * @param parent the parent path under each hierarchy's root, e.g. {@code isola}
     * @param id the sandbox id
     * @param l the limits (at least one set)
     * @param record told every directory before any is made, so that a crash leaves them findable
     * @return the cgroups
     */
    public static SandboxCgroups create(CgroupMounts mounts, String parent, String id, Limits l,
            java.util.function.Consumer<List<Path>> record) {
        return create(mounts, parent, id, l, record, null);
    }

    /**
     * Like {@link #create(CgroupMounts, String, String, Limits, java.util.function.Consumer)}, taking a
     * kept group from the pool when one has the same parent and limits.
     *
     * @param pool emptied groups of closed sandboxes, or null
     * @return the cgroups
     */
    public static SandboxCgroups create(CgroupMounts mounts, String parent, String id, Limits l,
            java.util.function.Consumer<List<Path>> record, CgroupPool pool) {
        if (pool != null) {
            SandboxCgroups reused = pool.take(mounts, parent, id, l, record);
            if (reused != null) {
                return reused;
            }
        }
        Map<String, CgroupMounts.Location> want = new LinkedHashMap<>(needed(mounts, l));
        // memory and pids for the verdicts, cpuacct for CPU time. No freezer: every sandbox has its own
        // PID namespace, and when its init dies the kernel kills everything in it, forks included.
        for (String extra : new String[] {"memory", "pids", "cpuacct"}) {
            CgroupMounts.Location loc = mounts.find(extra);
            if (loc != null && !want.containsKey(extra)) {
                want.put(extra, loc);
            }
        }
        record.accept(want.values().stream().map(loc -> loc.mount().resolve(parent).resolve(id)).distinct().toList());
        Map<String, Path> dirs = new LinkedHashMap<>();
        SandboxCgroups made = new SandboxCgroups(mounts, dirs, parent, l, false);
        try {
            for (Map.Entry<String, CgroupMounts.Location> e : want.entrySet()) {
                CgroupMounts.Location loc = e.getValue();
                Path dir = loc.mount().resolve(parent).resolve(id);
                if (loc.v2()) {
                    enableV2(loc.mount(), parent, e.getKey());
                }
                if (!dirs.containsValue(dir)) {
                    mkdir(dir, e.getKey().equals("cpuset") && !loc.v2());
                }
                dirs.put(e.getKey(), dir);
            }
            for (Map.Entry<String, Path> e : dirs.entrySet()) {
                for (CgroupController c : controllers(want.get(e.getKey()).v2(), e.getKey())) {
                    if (c.wanted(l)) {
                        c.apply(e.getValue(), l, CgroupFiles::write);
                    }
                }
            }
            return made;
        } catch (RuntimeException e) {
            made.remove();
            throw e;
        }
    }

    /** v2 only passes a controller to a child when every ancestor enables it in cgroup.subtree_control. */
    private static void enableV2(Path root, String parent, String controller) {
        if (controller.equals("cpuacct")) {
            return;
        }
        Path dir = root;
        List<Path> chain = new ArrayList<>(List.of(root));
        for (String part : parent.split("/")) {
            if (!part.isEmpty()) {
                dir = dir.resolve(part);
                chain.add(dir);
            }
        }
        for (Path p : chain) {
            try {
                Files.createDirectories(p);
            } catch (IOException e) {
                throw new IsolationException("cannot create cgroup " + p + ": " + e.getMessage());
            }
            String enabled = CgroupFiles.read(p, "cgroup.subtree_control");
            if (enabled != null && !List.of(enabled.split("\\s+")).contains(controller)) {
                try {
                    CgroupFiles.write(p, "cgroup.subtree_control", "+" + controller);
                } catch (IsolationException e) {
                    throw new UnsupportedCapabilityException(capabilityOf(controller), "linux", controller
                            + " cannot be enabled in " + p.resolve("cgroup.subtree_control") + " (" + e.getMessage()
                            + "); enable it there, or move the processes in " + p + " to a leaf cgroup");
                }
            }
        }
    }

    private static Capability capabilityOf(String controller) {
        return switch (controller) {
            case "memory" -> Capability.MEMORY_LIMIT;
            case "cpu" -> Capability.CPU_LIMIT;
            case "cpuset" -> Capability.CPUSET;
            case "pids" -> Capability.PIDS_LIMIT;
            default -> Capability.IO_LIMIT;
        };
    }

    private static void mkdir(Path dir, boolean v1Cpuset) {
        try {
            if (v1Cpuset) {
                Files.createDirectories(dir.getParent());
                CgroupCpuset.inherit(dir.getParent());
            }
            if (Files.isDirectory(dir)) {
                // left by a sandbox of the same id that crashed: cgroupfs removes an unused one at once
                try {
                    Files.delete(dir);
                } catch (java.nio.file.DirectoryNotEmptyException plainDirectory) {
                    // not cgroupfs (a test tree): reuse it
                } catch (FileSystemException busy) {
                    throw new IsolationException("cgroup " + dir + " is in use: is a sandbox with the same id running? ("
                            + busy.getMessage() + ")");
                }
            }
            Files.createDirectories(dir);
            if (v1Cpuset) {
                CgroupCpuset.inherit(dir);
            }
        } catch (IOException e) {
            throw new IsolationException("cannot create cgroup " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Changes the limits of the live sandbox: writes what {@code changes} sets, and when a write fails
     * puts every file written back before throwing.
     *
     * @param current the limits in force
     * @param changes what to change (null fields stay)
     * @return the limits in force afterwards
     * @throws UnsupportedCapabilityException when a change needs a controller this sandbox has no
     *     cgroup in (nothing is written)
     */
    public Limits update(Limits current, Limits changes) {
        Limits after = current.with(changes);
        Limits scope = new Limits(changes.memoryBytes(), changes.memoryBytes() != null ? after.memorySwapBytes() : null,
                changes.cpus(), changes.cpuWeight(), changes.cpusetCpus(), changes.cpusetMems(), changes.pids(),
                changes.ioWeight(), changes.deviceIo());
        Map<String, CgroupMounts.Location> want = needed(mounts, scope);
        for (Map.Entry<String, CgroupMounts.Location> e : want.entrySet()) {
            if (!dirs.containsKey(e.getKey())) {
                throw new UnsupportedCapabilityException(capabilityOf(e.getKey()), "linux", "the sandbox has no "
                        + e.getKey() + " cgroup: its limits at creation needed none. Create it with a " + e.getKey()
                        + " limit (any value) to change that limit later");
            }
        }
        CgroupFiles.Journal journal = new CgroupFiles.Journal();
        try {
            for (Map.Entry<String, CgroupMounts.Location> e : want.entrySet()) {
                for (CgroupController c : controllers(e.getValue().v2(), e.getKey())) {
                    if (c.wanted(scope)) {
                        c.apply(dirs.get(e.getKey()), scope, journal);
                    }
                }
            }
        } catch (RuntimeException e) {
            journal.undo(e);
            throw e;
        }
        limits = after;
        return after;
    }

    /** @return the cgroup.procs files the helper writes the workload's pid to */
    public List<String> procsFiles() {
        return dirs.values().stream().distinct().map(d -> d.resolve("cgroup.procs").toString()).toList();
    }

    /** @return the kernel's count of OOM kills in the sandbox */
    public long oomKills() {
        Path mem = dirs.get("memory");
        if (mem == null) {
            return 0;
        }
        settleBaselines();
        return Math.max(0, rawOomKills(mem) - oomBase);
    }

    private long rawOomKills(Path mem) {
        long n = mounts.find("memory").v2() ? CgroupFiles.keyed(mem, "memory.events", "oom_kill")
                : CgroupFiles.keyed(mem, "memory.oom_control", "oom_kill");
        return Math.max(0, n);
    }

    /** @return how often a fork failed at the pids limit */
    public long pidsLimitHits() {
        Path pids = dirs.get("pids");
        if (pids == null) {
            return 0;
        }
        settleBaselines();
        return Math.max(0, CgroupFiles.keyed(pids, "pids.events", "max") - pidsBase);
    }

    /**
     * Removes the directories, or, when the pool takes them, keeps them for a sandbox with the same
     * limits. The sandbox's processes must be gone.
     *
     * @param pool the pool, or null
     */
    public void release(CgroupPool pool) {
        release(pool, pool == null ? null : pool.reserve(this));
    }

    /**
     * Like {@link #release(CgroupPool)}, for a group {@link CgroupPool#reserve reserved} while its
     * processes were being killed.
     *
     * @param pool the pool, or null
     * @param reserved what reserve returned (null: removed here)
     */
    public void release(CgroupPool pool, String reserved) {
        if (reserved == null) {
            remove();
        } else {
            pool.keep(this, reserved);
        }
    }

    /**
     * Reserves this group in the pool while the sandbox's processes are being killed; see
     * {@link CgroupPool#reserve}.
     *
     * @param pool the pool
     * @return what {@link #release(CgroupPool, String)} needs, or null
     */
    public String reserve(CgroupPool pool) {
        return pool.reserve(this);
    }

    /** Its directories were renamed to {@code name} (in the same parents). */
    void renamed(String name) {
        dirs.replaceAll((c, d) -> d.resolveSibling(name));
    }

    /** @return whether this group can serve another sandbox: every directory on cgroup v1, memory among them */
    boolean reusable() {
        if (!dirs.containsKey("memory")) {
            return false;
        }
        for (String c : dirs.keySet()) {
            CgroupMounts.Location loc = mounts.find(c);
            if (loc == null || loc.v2()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Readies an emptied group for its next sandbox: resets peak memory and CPU time. With plain
     * streams: the JVM's file system provider costs several times the kernel's work on these files.
     *
     * @return false when a process is still in the group, it holds too much memory still charged to
     *     it, or a reset failed
     */
    boolean resetForReuse() {
        Path mem = dirs.get("memory");
        if (!CgroupFiles.quickEmpty(mem.resolve("cgroup.procs"))) {
            // a process of the closed sandbox still there (the helper was killed on a timeout while
            // something hung in the kernel): never handed on; removing kills what is left
            return false;
        }
        long charged = CgroupFiles.quickNumber(mem.resolve("memory.usage_in_bytes"));
        if (charged < 0 || charged > CgroupPool.MAX_LEFT_CHARGED) {
            return false;
        }
        Path cpu = dirs.get("cpuacct");
        return CgroupFiles.quickWrite(mem.resolve("memory.max_usage_in_bytes"), "0")
                && (cpu == null || CgroupFiles.quickWrite(cpu.resolve("cpuacct.usage"), "0"));
    }

    /** @return the directory of each controller */
    Map<String, Path> dirsByController() {
        return dirs;
    }

    /** @return the parent path the directories are in */
    String parent() {
        return parent;
    }

    /** @return the limits in force */
    Limits limits() {
        return limits;
    }

    /** @return usage now */
    public SandboxStats stats() {
        Long user = null;
        Long sys = null;
        Path cpu = dirs.get("cpuacct");
        if (cpu != null && mounts.find("cpuacct").v2()) {
            user = micros(CgroupFiles.keyed(cpu, "cpu.stat", "user_usec"));
            sys = micros(CgroupFiles.keyed(cpu, "cpu.stat", "system_usec"));
        } else if (cpu != null) {
            user = nonNegative(CgroupFiles.number(cpu, "cpuacct.usage_user"));
            sys = nonNegative(CgroupFiles.number(cpu, "cpuacct.usage_sys"));
        }
        Long mem = null;
        Long peak = null;
        Long oom = null;
        Path m = dirs.get("memory");
        if (m != null) {
            boolean v2 = mounts.find("memory").v2();
            mem = nonNegative(CgroupFiles.number(m, v2 ? "memory.current" : "memory.usage_in_bytes"));
            peak = nonNegative(CgroupFiles.number(m, v2 ? "memory.peak" : "memory.max_usage_in_bytes"));
            oom = oomKills();
        }
        Path p = dirs.get("pids");
        Long pids = p == null ? null : nonNegative(CgroupFiles.number(p, "pids.current"));
        return new SandboxStats(user, sys, mem, peak, pids, oom, null, null);
    }

    private static Long micros(long v) {
        return v < 0 ? null : v * 1000;
    }

    private static Long nonNegative(long v) {
        return v < 0 ? null : v;
    }

    /**
     * Removes every directory, first killing stragglers: {@code cgroup.kill} on v2, freeze and kill on v1;
     * retries while the kernel still holds a directory.
     */
    public void remove() {
        removeAll(directories());
    }

    /**
     * Removes the cgroups of a sandbox whose owner died (listed in its lease), the same way as {@link #remove}.
     *
     * @param dirs the directories
     */
    public static void removeAll(List<Path> dirs) {
        List<Path> left = new ArrayList<>();
        for (Path dir : dirs) {
            // the usual case: the sandbox's processes are gone and the kernel lets the directory go at once
            try {
                Files.delete(dir);
            } catch (NoSuchFileException gone) {
                // removed already
            } catch (IOException busy) {
                left.add(dir);
            }
        }
        if (!left.isEmpty()) {
            killAndRemove(left);
        }
    }

    private static void killAndRemove(List<Path> dirs) {
        Path freezer = dirs.stream().filter(d -> Files.exists(d.resolve("freezer.state"))).findFirst().orElse(null);
        for (Path dir : dirs) {
            killAll(dir, freezer);
        }
        IsolationException first = null;
        for (Path dir : dirs) {
            try {
                removeDir(dir);
            } catch (IOException e) {
                if (first == null) {
                    first = new IsolationException("cannot remove cgroup " + dir + ": " + e.getMessage());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Kills whatever is left in a cgroup: v2 at once, v1 frozen so that nothing forks while it is killed. */
    private static void killAll(Path dir, Path freezer) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir.resolve("cgroup.kill"))) {
            try {
                CgroupFiles.write(dir, "cgroup.kill", "1");
            } catch (IsolationException ignored) {
                // already empty or gone
            }
            return;
        }
        if (procs(dir).isEmpty()) {
            return;
        }
        boolean frozen = freezer != null && freeze(freezer, "FROZEN");
        try {
            for (int round = 0; round < 100 && !procs(dir).isEmpty(); round++) {
                procs(dir).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                if (!frozen) {
                    sleep();
                }
            }
        } finally {
            if (frozen) {
                freeze(freezer, "THAWED");
            }
        }
    }

    private static boolean freeze(Path freezer, String state) {
        try {
            CgroupFiles.write(freezer, "freezer.state", state);
            for (int i = 0; i < 200; i++) {
                String now = CgroupFiles.read(freezer, "freezer.state");
                if (now == null || now.strip().equals(state)) {
                    return now != null;
                }
                sleep();
            }
            return false;
        } catch (IsolationException e) {
            return false;
        }
    }

    private static List<Long> procs(Path dir) {
        String s = CgroupFiles.read(dir, "cgroup.procs");
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return s.lines().map(String::strip).filter(x -> !x.isEmpty()).map(Long::parseLong).toList();
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeDir(Path dir) throws IOException {
        for (int attempt = 0;; attempt++) {
            try {
                Files.delete(dir);
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (FileSystemException busy) {
                // EBUSY while the last task is still exiting; child cgroups of ours never exist
                if (attempt >= 200) {
                    throw busy;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw busy;
                }
            }
        }
    }

    /** @return the directories, for tests and diagnostics */
    public List<Path> directories() {
        return dirs.values().stream().distinct().toList();
    }
}
