// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static isola.linux.Sandboxes.run;
import static isola.linux.Sandboxes.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.ExitStatus;
import isola.api.HelperFailedException;
import isola.api.IsolatedProcess;
import isola.api.Isolation;
import isola.api.MountSpec;
import isola.api.NetworkSpec;
import isola.api.ProcessSpec;
import isola.api.Rlimit;
import isola.api.RlimitType;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SandboxState;
import isola.api.SecuritySpec;
import isola.api.Signal;
import isola.api.UserSpec;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Real sandboxes as root; every assertion is on what the workload saw from inside. */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class LinuxSandboxIT {
    @BeforeAll
    static void root() {
        assumeTrue(Sandboxes.isRoot(), "these tests run as root; RootlessIT covers the unprivileged case");
    }

    @Test
    void seesOnlyItsOwnProcesses() throws Exception {
        var r = run(SandboxSpec.builder().build(), "ps", "-e", "-o", "pid=,comm=");
        assertEquals(List.of("1 isola-spawn", "2 ps"), r.lines().stream().map(String::strip).toList(), r.err());
    }

    @Test
    void hasItsOwnHostnameAndLeavesTheHostsAlone() throws Exception {
        String before = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        var r = run(SandboxSpec.builder().hostname("box-1").build(), "hostname");
        assertEquals("box-1\n", r.out());
        assertEquals(before, Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
    }

    @Test
    void rootIsReadOnlyAndTmpIsPrivate() throws Exception {
        String marker = "isola-it-" + System.nanoTime();
        var r = sh("touch /" + marker + "; echo rc=$?; echo x > /tmp/" + marker + " && cat /tmp/" + marker);
        assertTrue(r.err().contains("Read-only file system"), r.err());
        assertEquals("rc=1\nx\n", r.out());
        assertFalse(Files.exists(Path.of("/" + marker)));
        assertFalse(Files.exists(Path.of("/tmp/" + marker)), "the sandbox's /tmp is its own");
    }

    @Test
    void freshProcAndMinimalDev() throws Exception {
        var r = sh("ls /dev | tr '\\n' ' '; echo; readlink /dev/fd /dev/ptmx; grep -c . /proc/mounts >/dev/null && echo proc-ok;"
                + " echo hi > /dev/null && head -c 4 /dev/zero | od -An -tx1");
        assertEquals("core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero \n"
                + "/proc/self/fd\npts/ptmx\nproc-ok\n 00 00 00 00\n", r.out(), r.err());
    }

    @Test
    void volumesReadOnlyAndReadWrite(@TempDir Path dir) throws Exception {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Path rw = Files.createDirectory(dir.resolve("rw"));
        Files.writeString(ro.resolve("in"), "data");
        SandboxSpec spec = SandboxSpec.builder().mount(MountSpec.bind(ro, "/mnt", true))
                .mount(MountSpec.bind(rw, "/media", false)).build();
        var r = run(spec, "sh", "-c", "cat /mnt/in; echo; touch /mnt/new; echo rc=$?; echo out > /media/written");
        assertEquals("data\nrc=1\n", r.out());
        assertTrue(r.err().contains("Read-only file system"), r.err());
        assertFalse(Files.exists(ro.resolve("new")));
        assertEquals("out\n", Files.readString(rw.resolve("written")));
    }

    @Test
    void tmpfsIsBoundedBySize() throws Exception {
        SandboxSpec spec = SandboxSpec.builder().mount(new MountSpec(MountSpec.Type.TMPFS, null, "/mnt", false, 1 << 20, 0700)).build();
        var r = run(spec, "sh", "-c", "stat -c %a /mnt; dd if=/dev/zero of=/mnt/f bs=64k count=32 2>&1; du -k /mnt/f | cut -f1");
        List<String> l = r.lines();
        assertEquals("700", l.get(0));
        assertTrue(r.out().contains("No space left on device"), r.out());
        assertEquals("1024", l.get(l.size() - 1), "a 1 MiB tmpfs holds at most 1024 KiB");
    }

    @Test
    void networkNoneHasOnlyLoopbackUp() throws Exception {
        var r = sh("cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '; ip -o link show lo | grep -o 'state [A-Z]*\\|UP' | head -1;"
                + " cat /proc/net/route | wc -l");
        assertEquals(List.of("lo", "UP", "1"), r.lines(), r.err());
    }

    @Test
    void networkHostSeesTheHostsInterfaces() throws Exception {
        Set<String> host = new TreeSet<>();
        Files.readAllLines(Path.of("/proc/net/dev")).stream().skip(2).forEach(l -> host.add(l.split(":")[0].strip()));
        var r = run(SandboxSpec.builder().network(NetworkSpec.HOST).build(), "sh", "-c",
                "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
        assertEquals(host, new TreeSet<>(r.lines()));
        assertTrue(host.size() > 1, "the host has more than loopback");
    }

    @Test
    void userGroupsAndCapabilities() throws Exception {
        var root = sh("id -u; id -g; id -G; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status | tr -d '\\t'");
        assertEquals(List.of("0", "0", "0", "CapEff:0000000020000420", "CapBnd:0000000020000420", "NoNewPrivs:1"), root.lines());
        var user = run(SandboxSpec.builder().build(), ProcessSpec.builder("sh", "-c",
                "id -u; id -g; id -G; grep CapEff /proc/self/status | tr -d '\\t'")
                .user(new UserSpec(1000, 1001, List.of(27, 29), null)).build());
        assertEquals(List.of("1000", "1001", "1001 27 29", "CapEff:0000000000000000"), user.lines());
        var named = run(SandboxSpec.builder().build(), ProcessSpec.builder("id", "-u").user(UserSpec.named("nobody")).build());
        assertEquals("65534\n", named.out());
        var admin = run(SandboxSpec.builder().security(new SecuritySpec(false, Set.of("CAP_SYS_ADMIN"))).build(),
                "sh", "-c", "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status | tr -d '\\t'");
        assertEquals(List.of("CapEff:0000000000200000", "NoNewPrivs:0"), admin.lines());
    }

    @Test
    void environmentIsCleanAndCwdUmaskRlimitsApply() throws Exception {
        ProcessSpec ps = ProcessSpec.builder("sh", "-c", "env | sort; pwd; umask; ulimit -n")
                .env("FOO", "bar baz").cwd("/tmp").umask(077).rlimit(new Rlimit(RlimitType.NOFILE, 256, 256)).build();
        var r = run(SandboxSpec.builder().build(), ps);
        assertEquals(List.of("FOO=bar baz", "PATH=" + ProcessSpec.DEFAULT_PATH, "PWD=/tmp", "/tmp", "0077", "256"), r.lines());
    }

    @Test
    void exitCodesAndSignalsAreReported() throws Exception {
        assertEquals(42, sh("exit 42").status().exitCode());
        ExitStatus st = sh("kill -TERM $$").status();
        assertEquals(15, st.signal());
        assertEquals(143, st.shellStatus());
    }

    @Test
    void stdinIsPiped() throws Exception {
        try (Sandbox s = Isolation.backend("linux").create(SandboxSpec.builder().build())) {
            IsolatedProcess p = s.exec(ProcessSpec.builder("tr", "a-z", "A-Z").build());
            p.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertEquals("HELLO", Sandboxes.read(p.getInputStream()));
            assertTrue(p.waitFor().success());
        }
    }

    @Test
    void commandNotFoundAndNotExecutableAreHelperFailures() {
        HelperFailedException nf = assertThrows(HelperFailedException.class,
                () -> run(SandboxSpec.builder().build(), "no-such-command-isola"));
        assertTrue(nf.commandNotFound());
        assertEquals("exec no-such-command-isola: ENOENT (command not found in the sandbox)", nf.getMessage());
        HelperFailedException ne = assertThrows(HelperFailedException.class,
                () -> run(SandboxSpec.builder().build(), "/etc/passwd"));
        assertTrue(ne.commandNotExecutable());
        assertEquals("exec /etc/passwd: EACCES (permission denied: not executable in the sandbox)", ne.getMessage());
        HelperFailedException cwd = assertThrows(HelperFailedException.class,
                () -> run(SandboxSpec.builder().build(), ProcessSpec.builder("true").cwd("/nonexistent").build()));
        assertEquals("chdir /nonexistent: ENOENT (no such file or directory)", cwd.getMessage());
    }

    @Test
    void timeoutKillsAndIsReported() throws Exception {
        ProcessSpec ps = ProcessSpec.builder("sleep", "30").timeout(Duration.ofMillis(300)).build();
        long t0 = System.nanoTime();
        ExitStatus st = run(SandboxSpec.builder().build(), ps).status();
        assertTrue(st.timedOut());
        assertEquals(9, st.signal());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "killed promptly");
    }

    @Test
    void execJoinsTheSandboxAndKillReachesEveryProcess() throws Exception {
        try (Sandbox s = Isolation.backend("linux").create(SandboxSpec.builder().hostname("pod").build())) {
            assertEquals(SandboxState.CREATED, s.state());
            IsolatedProcess first = s.exec(ProcessSpec.builder("sh", "-c", "sleep 100 & sleep 100 & wait").build());
            IsolatedProcess second = s.exec(ProcessSpec.builder("sleep", "100").build());
            assertEquals(SandboxState.RUNNING, s.state());
            var ps = Sandboxes.capture(s.exec(ProcessSpec.builder("sh", "-c", "hostname; ps -e -o comm= > /tmp/ps; sort /tmp/ps | uniq -c | tr -s ' '").build()));
            assertEquals(List.of("pod", " 1 isola-spawn", " 1 ps", " 2 sh", " 3 sleep"), ps.lines());
            assertFalse(first.waitFor(Duration.ofMillis(100)));
            s.kill(Signal.TERM);
            assertEquals(15, first.waitFor().signal(), "the shell got TERM too");
            assertEquals(15, second.waitFor().signal());
            assertEquals(SandboxState.STOPPED, s.state());
            assertTrue(Sandboxes.capture(s.exec(ProcessSpec.builder("true").build())).status().success(),
                    "the sandbox stays usable after its processes ended");
        }
    }

    @Test
    void processKillTargetsOnlyThatProcess() throws Exception {
        try (Sandbox s = Isolation.backend("linux").create(SandboxSpec.builder().build())) {
            IsolatedProcess a = s.exec(ProcessSpec.builder("sleep", "100").build());
            IsolatedProcess b = s.exec(ProcessSpec.builder("sleep", "100").build());
            b.kill(Signal.KILL);
            assertEquals(9, b.waitFor().signal());
            assertTrue(a.isAlive());
            a.kill(Signal.USR1);
            assertEquals(Signal.USR1.number(), a.waitFor().signal());
        }
    }

    @Test
    void orphansAreReapedByTheInit() throws Exception {
        var r = sh("sh -c 'sleep 0.2 &' ; sleep 0.6; ps -e -o stat=,comm= | grep -c '^Z' || true");
        assertEquals("0\n", r.out(), "no zombie left: " + r.err());
    }

    @Test
    void closeKillsEverythingAndLeavesNothing() throws Exception {
        List<Long> before = Sandboxes.helperProcesses();
        Sandbox s = Isolation.backend("linux").create(SandboxSpec.builder().build());
        IsolatedProcess p = s.exec(ProcessSpec.builder("sleep", "100").stdout(Redirect.DISCARD).build());
        assertTrue(p.isAlive());
        assertEquals(before.size() + 2, Sandboxes.helperProcesses().size(), "a supervisor and an init per sandbox");
        s.close();
        assertEquals(9, p.waitFor().signal());
        assertEquals(SandboxState.CLOSED, s.state());
        assertEquals(before, Sandboxes.helperProcesses());
        try (var socks = Files.list(Path.of("/run/isola/sock"))) {
            assertEquals(0, socks.count(), "no socket left in the runtime directory");
        }
        s.close();
    }

    @Test
    void helperFailureIsNotAnExitCode(@TempDir Path dir) throws Exception {
        ProcessSpec ps = ProcessSpec.builder("true").rlimit(new Rlimit(RlimitType.NOFILE, Rlimit.UNLIMITED, Rlimit.UNLIMITED)).build();
        HelperFailedException e = assertThrows(HelperFailedException.class, () -> run(SandboxSpec.builder().build(), ps));
        assertNotEquals("exec", e.step());
        assertTrue(e.getMessage().startsWith("rlimit NOFILE: EPERM"), e.getMessage());
    }

    @Test
    void pidIsTheWorkloadsHostPid() throws Exception {
        try (Sandbox s = Isolation.backend("linux").create(SandboxSpec.builder().build())) {
            IsolatedProcess p = s.exec(ProcessSpec.builder("sleep", "100").build());
            assertEquals("sleep", Files.readString(Path.of("/proc/" + p.pid() + "/comm")).strip());
            IsolatedProcess q = s.exec(ProcessSpec.builder("sleep", "101").build());
            assertEquals("sleep 101", Files.readString(Path.of("/proc/" + q.pid() + "/cmdline")).replace('\0', ' ').strip());
        }
    }

    @Test
    void ownCgroupAndIpcNamespacesAndAReadOnlyRootMount() throws Exception {
        var r = sh("cut -d: -f3 /proc/self/cgroup | sort -u; ipcmk -Q >/dev/null && ipcs -q | grep -c 0x; "
                + "grep -E '^[^ ]+ / ' /proc/mounts | grep -c ' ro,'");
        assertEquals(List.of("/", "1", "1"), r.lines(), r.err());
        Process host = new ProcessBuilder("sh", "-c", "ipcs -q | grep -c 0x || true").start();
        String hostQueues = new String(host.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        host.waitFor();
        assertEquals("0", hostQueues, "the queue made inside is not on the host");
    }

    @Test
    void signalsToTheSupervisorAreForwardedToTheWorkload() throws Exception {
        try (Sandbox s = Isolation.backend("linux").create(SandboxSpec.builder().build())) {
            IsolatedProcess p = s.exec(ProcessSpec.builder("sleep", "100").build());
            List<ProcessHandle> helpers = ProcessHandle.current().children()
                    .filter(h -> h.info().command().orElse("").contains("isola-spawn")).toList();
            assertEquals(1, helpers.size());
            assertTrue(helpers.get(0).destroy(), "SIGTERM sent to the supervisor");
            assertEquals(15, p.waitFor().signal());
        }
    }

    @Test
    void workloadGetsOnlyStdioAndAClearSignalState() throws Exception {
        var r = sh("ls /proc/self/fd | tr '\\n' ' '; echo; grep -E '^Sig(Blk|Ign)' /proc/self/status | tr -d '\\t'");
        assertEquals(List.of("0 1 2 3 ", "SigBlk:0000000000000000", "SigIgn:0000000000000000"), r.lines(), r.err());
    }

    @Test
    void aVolumeThatVanishesBeforeStartFailsAtTheMountStepAndLeavesNothing(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectory(dir.resolve("data"));
        Path real = src.toRealPath();
        try (Sandbox s = Isolation.backend("linux").create(SandboxSpec.builder().mount(MountSpec.bind(src, "/mnt", false)).build())) {
            Files.delete(src);
            HelperFailedException e = assertThrows(HelperFailedException.class,
                    () -> s.exec(ProcessSpec.builder("true").build()));
            assertEquals("mount", e.step());
            assertEquals("mount " + real + " -> /mnt: ENOENT (no such file or directory)", e.getMessage());
            assertEquals(List.of(), Sandboxes.helperProcesses());
        }
    }
}
