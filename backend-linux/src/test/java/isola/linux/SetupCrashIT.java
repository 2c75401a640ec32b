// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.IsolatedProcess;
import isola.api.Isolation;
import isola.api.IsolationException;
import isola.api.Limits;
import isola.api.MountSpec;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.linux.cgroup.CgroupMounts;
import isola.linux.helper.RuntimeDirs;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helper is SIGKILLed at every moment of a sandbox's setup — before the request is read, while
 * namespaces, cgroups and mounts are being made, after the workload started — and whatever the
 * moment, the sandbox fails or ends cleanly and nothing of it is left: no process, cgroup,
 * mount, descriptor, socket or lease.
 */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class SetupCrashIT {
    private static final int RUNS = 80;

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    private static List<String> mounts() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo"));
    }

    /** The helper processes that are this JVM's own children (the outer helpers, not their inits). */
    private static List<ProcessHandle> outerHelpers() {
        List<Long> all = Sandboxes.helperProcesses();
        return ProcessHandle.current().children().filter(h -> all.contains(h.pid())).toList();
    }

    @Test
    void aHelperKilledAtAnyMomentOfSetupLeavesNothing(@TempDir Path dir) throws Exception {
        assumeTrue(Sandboxes.isRoot(), "limits need root on this host");
        CgroupMounts cm = CgroupMounts.probe();
        assumeTrue(cm.find("memory") != null && cm.find("pids") != null, "needs memory and pids: " + cm.describe());
        var linux = Isolation.backend("linux");
        Path vol = Files.createDirectory(dir.resolve("vol"));
        String prefix = "crash-" + ProcessHandle.current().pid() + "-";
        Limits limits = new Limits(64L << 20, null, null, null, null, null, 64L, null, List.of());
        // warm up once, with limits, so that the baseline holds the backend's own lasting descriptors
        // (the JVM's pool of emptied cgroups keeps its record open)
        try (Sandbox s = linux.create(SandboxSpec.builder().limits(limits).build())) {
            s.exec(ProcessSpec.builder("/bin/true").stdout(Redirect.DISCARD).build()).waitFor();
        }
        long fds = count(Path.of("/proc/self/fd"));
        List<String> mounts = mounts();
        Path base = RuntimeDirs.base(LinuxHost.read().uid);
        long socks = count(base.resolve("sock"));
        long leases = count(base.resolve("sandboxes"));

        int failed = 0;
        int started = 0;
        for (int i = 0; i < RUNS; i++) {
            long delayNanos = i * 125_000L; // 0 .. 10 ms after the helper appears: all of setup and then some
            boolean outerOnly = i % 2 == 0; // the supervisor alone, or the supervisor and the sandbox's init
            SandboxSpec spec = SandboxSpec.builder().id(prefix + i).hostname("crash" + i).limits(limits)
                    .mount(MountSpec.bind(vol, "/srv", true)).mount(MountSpec.tmpfs("/mnt", 1L << 20)).build();
            try (Sandbox s = linux.create(spec)) {
                Thread killer = new Thread(() -> kill(delayNanos, outerOnly));
                killer.start();
                try {
                    IsolatedProcess p = s.exec(ProcessSpec.builder("sh", "-c", "echo x >/mnt/f; sleep 0.05")
                            .stdin(Redirect.from(new File("/dev/null"))).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD)
                            .timeout(Duration.ofSeconds(10)).build());
                    started++;
                    assertTrue(p.onExit().toCompletableFuture().get(10, TimeUnit.SECONDS) != null,
                            "run " + i + ": the workload ended");
                } catch (IsolationException e) {
                    failed++;
                } finally {
                    killer.join();
                }
            }
        }
        assertTrue(failed > 0, "some helpers died during setup (" + failed + " of " + RUNS + ")");
        assertTrue(started > 0, "some workloads started before their helper died (" + started + " of " + RUNS + ")");

        assertEquals(List.of(), Sandboxes.helperProcesses(), "helper processes");
        assertEquals(0, ProcessHandle.current().children().count(), "child processes");
        assertEquals(List.of(), Sandboxes.cgroupsNamed(cm, prefix), "cgroups");
        assertEquals(mounts, mounts(), "mounts seen by the host");
        assertEquals(fds, count(Path.of("/proc/self/fd")), "open descriptors");
        assertEquals(socks, count(base.resolve("sock")), "sockets in the runtime directory");
        assertEquals(leases, count(base.resolve("sandboxes")), "sandbox leases");
    }

    /** Waits for the next helper to appear, then SIGKILLs it (and its init) after the delay. */
    static void kill(long delayNanos, boolean outerOnly) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<ProcessHandle> outer;
        while ((outer = outerHelpers()).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return;
            }
            Thread.onSpinWait();
        }
        long until = System.nanoTime() + delayNanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        List<ProcessHandle> victims = new ArrayList<>(outer);
        if (!outerOnly) {
            outer.forEach(h -> h.descendants().forEach(victims::add));
        }
        victims.forEach(ProcessHandle::destroyForcibly);
    }
}
