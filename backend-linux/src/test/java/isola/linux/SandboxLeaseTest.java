// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.IsolationException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases on real files, held by this JVM and by a child JVM that is killed. */
class SandboxLeaseTest {
    @TempDir
    Path dir;

    private Process holder(String id, Path... cgroups) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LeaseHolder.class.getName(), "lease", dir.toString(), id));
        for (Path c : cgroups) {
            cmd.add(c.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectError(Redirect.INHERIT).start();
        assertEquals("ready", new BufferedReader(new InputStreamReader(p.getInputStream())).readLine());
        return p;
    }

    @Test
    void anIdIsHeldOnceInThisJvmAndFreedByClose() {
        SandboxLease a = SandboxLease.acquire(dir, "box");
        IsolationException e = assertThrows(IsolationException.class, () -> SandboxLease.acquire(dir, "box"));
        assertEquals("sandbox id box is in use by a running sandbox (its lease " + dir.resolve("box.lease")
                + " is held); close that sandbox or choose another id", e.getMessage());
        a.close();
        assertFalse(Files.exists(dir.resolve("box.lease")));
        SandboxLease.acquire(dir, "box").close();
    }

    @Test
    void aSweepLeavesLeasesOfThisJvmAlone() {
        try (SandboxLease a = SandboxLease.acquire(dir, "mine")) {
            a.recordCgroups(List.of(dir.resolve("cg")));
            List<List<Path>> removed = new ArrayList<>();
            assertEquals(List.of(), SandboxLease.sweep(dir, removed::add));
            assertEquals(List.of(), removed);
            // the sweep opened nothing that could drop our lock: still exclusive
            assertThrows(IsolationException.class, () -> SandboxLease.acquire(dir, "mine"));
        }
    }

    @Test
    void anotherProcessHoldsTheIdUntilItDiesThenTheSweepRemovesWhatItListed() throws Exception {
        Path cg1 = Files.createDirectories(dir.resolve("memory/isola/box"));
        Path cg2 = Files.createDirectories(dir.resolve("pids/isola/box"));
        Process p = holder("box", cg1, cg2);
        try {
            IsolationException e = assertThrows(IsolationException.class, () -> SandboxLease.acquire(dir, "box"));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertEquals(List.of(), SandboxLease.sweep(dir, d -> { throw new AssertionError("live: " + d); }));
            assertEquals("cgroup " + cg1 + "\ncgroup " + cg2 + "\n", Files.readString(dir.resolve("box.lease")));
        } finally {
            p.destroyForcibly().waitFor();
        }
        List<List<Path>> removed = new ArrayList<>();
        assertEquals(List.of("box"), SandboxLease.sweep(dir, removed::add));
        assertEquals(List.of(List.of(cg1, cg2)), removed);
        assertFalse(Files.exists(dir.resolve("box.lease")));
        SandboxLease.acquire(dir, "box").close();
    }

    @Test
    void aLeaseWhoseCgroupsCannotBeRemovedIsKeptForTheNextSweep() throws Exception {
        Process p = holder("busy", dir.resolve("x"));
        p.destroyForcibly().waitFor();
        assertEquals(List.of(), SandboxLease.sweep(dir, d -> {
            throw new IsolationException("cannot remove cgroup x: busy");
        }));
        assertTrue(Files.exists(dir.resolve("busy.lease")));
        assertEquals(List.of("busy"), SandboxLease.sweep(dir, d -> { }));
    }

    @Test
    void theRecordListsEveryCgroupThenTheInit() throws Exception {
        long pid = ProcessHandle.current().pid();
        SandboxLease a = SandboxLease.acquire(dir, "rec");
        a.recordCgroups(List.of(dir.resolve("memory/rec"), dir.resolve("pids/rec")));
        a.recordInit(pid);
        // read once released: opening a lease this JVM holds would drop its lock
        a.release();
        assertEquals("cgroup " + dir.resolve("memory/rec") + "\ncgroup " + dir.resolve("pids/rec") + "\ninit " + pid
                + " " + SandboxLease.startTime(pid) + "\n", Files.readString(dir.resolve("rec.lease")));
        assertEquals(List.of("rec"), SandboxLease.sweep(dir, d -> { }));
    }

    @Test
    void releaseKeepsTheRecordButFreesTheId() {
        SandboxLease a = SandboxLease.acquire(dir, "kept");
        a.recordCgroups(List.of(dir.resolve("cg")));
        a.release();
        assertTrue(Files.exists(dir.resolve("kept.lease")));
        List<List<Path>> removed = new ArrayList<>();
        assertEquals(List.of("kept"), SandboxLease.sweep(dir, removed::add));
        assertEquals(List.of(List.of(dir.resolve("cg"))), removed);
    }
}
