// SPDX-License-Identifier: Apache-2.0
package isola.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isola.api.Capability;
import isola.api.ExitStatus;
import isola.api.IsolatedProcess;
import isola.api.Limits;
import isola.api.MountSpec;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SandboxStats;
import isola.api.Signal;
import isola.api.UnsupportedCapabilityException;
import isola.api.UserSpec;
import isola.spi.IsolationBackend;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every backend keeps, asserted the same way on every OS. A backend's integration
 * tests extend this class and say which backend to test. What the workload sees is observed from
 * inside by {@link Probe}, run in the sandbox from the host's root, and asserted here.
 *
 * <p>Each test covers capabilities ({@link Covers}). When the backend lacks one here, the test
 * becomes the check that the request fails closed: {@code create} throws {@link
 * UnsupportedCapabilityException} naming it, and nothing runs. No test is skipped silently.
 * {@link ConformanceRecorder} writes what was verified and what failed closed to {@code
 * target/conformance/}, from which {@link PlatformTable} makes the README's platform table.
 */
@ExtendWith(ConformanceRecorder.class)
public abstract class ConformanceSuite {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @return the backend under test, available on this host */
    protected abstract IsolationBackend backend();

    /**
     * @return where this run happens, for the platform table: e.g. "Linux host (cgroup v1 hybrid)";
     *     {@code $ISOLA_CONFORMANCE_WHERE} when set
     */
    protected String where() {
        String env = System.getenv("ISOLA_CONFORMANCE_WHERE");
        return env != null && !env.isBlank() ? env : System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    /** @return names of processes the backend itself keeps in a sandbox (its init), besides the workload */
    protected Set<String> backendProcessNames() {
        return Set.of();
    }

    /**
     * @return what of the backend's making is still on the host (processes, cgroups, jails, zones,
     *     interfaces...), described one per entry; empty when everything is gone
     */
    protected abstract List<String> leftovers();

    /** @return a host directory that exists in every sandbox with the host's root, used as a mount point */
    protected String mountPoint() {
        return "/mnt";
    }

    /** @return the command that runs {@link Probe} in a sandbox whose root is the host's */
    protected List<String> probeCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx48m", "-XX:-UsePerfData", "-cp",
                probeClasspath().toString(), Probe.class.getName());
    }

    private static Path probeDir;

    /**
     * The probe's class copied to a world-readable directory, so that it runs as any user in the
     * sandbox (the build's own class path may be private, e.g. under /root/.m2).
     */
    private static synchronized Path probeClasspath() {
        if (probeDir == null) {
            try {
                // not /tmp: sandboxes have their own
                Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "isola-probe");
                Path cls = dir.resolve("isola/conformance/Probe.class");
                Files.createDirectories(cls.getParent());
                try (InputStream in = Probe.class.getResourceAsStream("Probe.class")) {
                    Files.copy(in, cls);
                }
                for (Path p : List.of(dir, dir.resolve("isola"), cls.getParent(), cls)) {
                    p.toFile().setReadable(true, false);
                    p.toFile().setExecutable(true, false);
                }
                dir.toFile().deleteOnExit();
                cls.getParent().getParent().toFile().deleteOnExit();
                cls.getParent().toFile().deleteOnExit();
                cls.toFile().deleteOnExit();
                probeDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return probeDir;
    }

    // ---- support ----

    /** @return a spec builder with a fresh id */
    protected SandboxSpec.Builder spec() {
        return SandboxSpec.builder().id("conf-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
    }

    /**
     * Either the backend supports every capability the spec needs, or creating it must fail closed
     * naming one of them, with nothing run. The outcome is recorded for the platform table.
     *
     * @return true when the test goes on to check the real behaviour
     */
    protected boolean supportedOrFailsClosed(SandboxSpec spec) {
        Set<Capability> lacking = new TreeSet<>();
        for (Capability c : spec.requiredCapabilities()) {
            if (!backend().capabilities().supports(c)) {
                lacking.add(c);
            }
        }
        if (lacking.isEmpty()) {
            return true;
        }
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> backend().create(spec).close(), "a request needing " + lacking + " must fail closed");
        assertTrue(lacking.contains(e.capability()), "it names a lacking capability: " + e.getMessage());
        assertEquals(backend().name(), e.backend());
        assertFalse(e.reason() == null || e.reason().isBlank(), "it says why");
        assertEquals(List.of(), leftovers(), "a refused request leaves nothing");
        ConformanceRecorder.failedClosed(lacking);
        return false;
    }

    /** The outcome of a run: status, stdout, stderr, and the usage read before close. */
    protected record Run(ExitStatus status, String out, String err, SandboxStats stats) {
    }

    /** Runs one process in a new sandbox and closes it. */
    protected Run run(SandboxSpec spec, ProcessSpec ps) {
        try (Sandbox s = backend().create(spec)) {
            return run(s, ps);
        }
    }

    /** Runs one process in a live sandbox and waits for it. */
    protected Run run(Sandbox s, ProcessSpec ps) {
        try {
            IsolatedProcess p = s.exec(ps);
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            assertTrue(p.waitFor(Duration.ofSeconds(120)), "the process ended");
            return new Run(p.waitFor(), out.join(), err.join(), s.stats());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static ProcessSpec shell(String script) {
        return ProcessSpec.builder("/bin/sh", "-c", script).stdin(Redirect.from(new File("/dev/null"))).build();
    }

    /** Runs {@code sh -c script} in a new sandbox. */
    protected Run sh(SandboxSpec spec, String script) {
        return run(spec, shell(script));
    }

    /** Runs the probe in a new sandbox and returns what it saw. */
    protected JsonNode probe(SandboxSpec spec, String... args) {
        return probe(spec, b -> { }, args);
    }

    /** Runs the probe with process settings (user, cwd, environment) set by {@code settings}. */
    protected JsonNode probe(SandboxSpec spec, java.util.function.Consumer<ProcessSpec.Builder> settings,
            String... args) {
        List<String> argv = new ArrayList<>(probeCommand());
        argv.addAll(List.of(args));
        ProcessSpec.Builder b = ProcessSpec.builder(argv).stdin(Redirect.from(new File("/dev/null")));
        settings.accept(b);
        Run r = run(spec, b.build());
        assertEquals(0, r.status().exitCode(), "probe failed: " + r.status() + "\n" + r.out() + r.err());
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new AssertionError("probe printed no JSON: " + r.out() + r.err(), e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** @return a non-loopback IPv4 address of this host, or null */
    private static InetAddress hostAddress() throws IOException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (n.isUp() && !n.isLoopback()) {
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a;
                    }
                }
            }
        }
        return null;
    }

    private static List<String> hostInterfaces() throws IOException {
        List<String> names = new ArrayList<>();
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            names.add(n.getName());
        }
        Collections.sort(names);
        return names;
    }

    // ---- the contract ----

    @Test
    @Covers(Capability.PID_ISOLATION)
    void theWorkloadSeesOnlyItsOwnProcesses() {
        SandboxSpec s = spec().build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        List<String> seen = texts(probe(s).get("processes"));
        List<String> others = new ArrayList<>(seen);
        others.removeIf(n -> n.equals("java") || backendProcessNames().contains(n));
        assertEquals(List.of(), others, "only the probe and the backend's own processes: " + seen);
        assertTrue(seen.size() <= 3, "a handful of processes at most: " + seen);
        assertEquals(1, Collections.frequency(seen, "java"), "the test's own JVM is invisible: " + seen);
    }

    @Test
    @Covers(Capability.HOSTNAME)
    void theHostnameIsItsOwn() throws IOException {
        SandboxSpec s = spec().hostname("conformance-box").build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        String before = InetAddress.getLocalHost().getHostName();
        assertEquals("conformance-box", probe(s).get("hostname").asText());
        assertEquals(before, InetAddress.getLocalHost().getHostName(), "the host's hostname is untouched");
    }

    @Test
    @Covers(Capability.HOST_ROOT)
    void theRootIsReadOnlyByDefault() {
        SandboxSpec s = spec().build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        String file = "/isola-conformance-" + ProcessHandle.current().pid();
        JsonNode p = probe(s, "--write", file);
        assertTrue(p.get("write." + file).asText().startsWith("error: "), p.toString());
        assertFalse(Files.exists(Path.of(file)));
    }

    @Test
    @Covers(Capability.BIND_MOUNT)
    void aReadWriteVolumesWritesAppearOnTheHostAndAReadOnlyOneRefusesThem(@TempDir Path dir) throws IOException {
        Path rw = Files.createDirectories(dir.resolve("rw"));
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.writeString(ro.resolve("given.txt"), "from the host\n");
        for (Path d : List.of(dir, rw, ro)) {
            d.toFile().setWritable(true, false);
            d.toFile().setExecutable(true, false);
        }
        String mp = mountPoint();
        SandboxSpec writable = spec().mount(MountSpec.bind(rw, mp, false)).build();
        if (!supportedOrFailsClosed(writable)) {
            return;
        }
        JsonNode w = probe(writable, "--write", mp + "/made.txt");
        assertEquals("ok", w.get("write." + mp + "/made.txt").asText());
        assertEquals("probe\n", Files.readString(rw.resolve("made.txt")));
        JsonNode r = probe(spec().mount(MountSpec.bind(ro, mp, true)).build(), "--read", mp + "/given.txt", "--write",
                mp + "/refused.txt");
        assertEquals("from the host\n", r.get("read." + mp + "/given.txt").asText());
        assertTrue(r.get("write." + mp + "/refused.txt").asText().startsWith("error: "), r.toString());
        assertFalse(Files.exists(ro.resolve("refused.txt")));
    }

    @Test
    @Covers(Capability.RLIMITS)
    void rlimitsAreTheWorkloads() {
        SandboxSpec s = spec().process(ProcessSpec.builder("true")
                .rlimit(new isola.api.Rlimit(isola.api.RlimitType.NOFILE, 77, 77)).build()).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        Run r = run(s, ProcessSpec.builder("/bin/sh", "-c", "ulimit -n; ulimit -H -n")
                .rlimit(new isola.api.Rlimit(isola.api.RlimitType.NOFILE, 77, 77))
                .stdin(Redirect.from(new File("/dev/null"))).build());
        assertEquals("77\n77\n", r.out(), r.err());
    }

    @Test
    @Covers({Capability.TMPFS, Capability.MOUNT_ISOLATION})
    void aTmpfsIsPrivateAndBoundedByItsSize() throws IOException {
        String mp = mountPoint();
        SandboxSpec s = spec().mount(MountSpec.tmpfs(mp, 4L << 20)).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        Set<String> hostBefore = new TreeSet<>(List.of(new File(mp).list()));
        JsonNode p = probe(s, "--fill", mp + "/big");
        long filled = p.get("fill." + mp + "/big").asLong();
        assertTrue(filled > 0 && filled <= 4L << 20, "filled " + filled + " bytes of a 4 MiB tmpfs");
        assertEquals(hostBefore, new TreeSet<>(List.of(new File(mp).list())), "nothing reached the host's " + mp);
    }

    @Test
    @Covers(Capability.NETWORK_NONE)
    void networkNoneHasOnlyLoopbackAndNoRouteOff() throws IOException {
        SandboxSpec s = spec().network(NetworkSpec.NONE).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        InetAddress host = hostAddress();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(0));
            String target = (host == null ? "192.0.2.1" : host.getHostAddress()) + ":" + server.getLocalPort();
            JsonNode p = probe(s, "--connect", target);
            for (String i : texts(p.get("interfaces"))) {
                assertTrue(i.startsWith("lo"), "only loopback: " + p.get("interfaces"));
            }
            assertTrue(p.get("connect." + target).asText().startsWith("error: "), p.toString());
        }
    }

    @Test
    @Covers(Capability.NETWORK_HOST)
    void networkHostSeesTheHostsInterfaces() throws IOException {
        SandboxSpec s = spec().network(NetworkSpec.HOST).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        assertEquals(hostInterfaces(), texts(probe(s).get("interfaces")));
    }

    @Test
    @Covers(Capability.NETWORK_BRIDGE)
    void networkBridgeReachesTheHost() throws IOException {
        SandboxSpec s = spec().network(new NetworkSpec(NetworkMode.BRIDGE, List.of(), List.of(), null)).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        InetAddress host = hostAddress();
        assertNotNull(host, "this host has a non-loopback IPv4 address");
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(0));
            String target = host.getHostAddress() + ":" + server.getLocalPort();
            JsonNode p = probe(s, "--connect", target);
            assertEquals("ok", p.get("connect." + target).asText(), p.toString());
            assertTrue(texts(p.get("interfaces")).stream().anyMatch(i -> !i.startsWith("lo")), p.toString());
        }
    }

    @Test
    @Covers(Capability.MEMORY_LIMIT)
    void aMemoryHogIsKilledAndReportedAsOom() {
        SandboxSpec s = spec().limits(new Limits(32L << 20, null, null, null, null, null, null, null, List.of())).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        // one 256 MiB buffer, filled: far beyond the limit
        Run r = sh(s, "exec dd if=/dev/zero of=/dev/null bs=268435456 count=1");
        assertTrue(r.status().oomKilled(), "OOM verdict: " + r.status());
        assertEquals(Signal.KILL.number(), r.status().signal(), "killed: " + r.status() + " " + r.err());
    }

    @Test
    @Covers(Capability.PIDS_LIMIT)
    void aForkBombHitsThePidsLimitAndIsReported() {
        SandboxSpec s = spec().limits(new Limits(null, null, null, null, null, null, 16L, null, List.of())).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        Run r = sh(s, "i=0; while [ $i -lt 40 ]; do sleep 3 & i=$((i+1)); done 2>/dev/null; wait");
        assertTrue(r.status().pidsLimitHit(), "pids verdict: " + r.status());
    }

    @Test
    @Covers(Capability.LIVE_LIMIT_UPDATE)
    void aLiveSandboxsLimitsChangeForItsNextProcesses() {
        SandboxSpec s = spec().limits(new Limits(null, null, null, null, null, null, 16L, null, List.of())).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        Limits more = new Limits(null, null, null, null, null, null, 256L, null, List.of());
        try (Sandbox box = backend().create(s)) {
            if (!backend().capabilities().supports(Capability.LIVE_LIMIT_UPDATE)) {
                UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                        () -> box.updateLimits(more), "a backend without live updates must refuse them");
                assertEquals(Capability.LIVE_LIMIT_UPDATE, e.capability(), e.getMessage());
                ConformanceRecorder.failedClosed(Set.of(Capability.LIVE_LIMIT_UPDATE));
                return;
            }
            String forty = "i=0; while [ $i -lt 40 ]; do sleep 1 & i=$((i+1)); done 2>/dev/null; wait";
            assertTrue(run(box, shell(forty)).status().pidsLimitHit(), "16 processes at most at first");
            assertEquals(256L, box.updateLimits(more).pids(), "the limits in force are returned");
            Run after = run(box, shell(forty));
            assertFalse(after.status().pidsLimitHit(), "40 fit after the change: " + after.status() + after.err());
            assertEquals(0, after.status().exitCode(), after.err());
        }
    }

    @Test
    @Covers(Capability.CPU_LIMIT)
    void aCpuSpinnerGetsItsQuota() {
        SandboxSpec s = spec().limits(new Limits(null, null, 0.5, null, null, null, null, null, List.of())).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        double before = cpuOneThreadGets();
        long t0 = System.nanoTime();
        Run r = sh(s, "end=$(( $(date +%s) + 3 )); while [ $(date +%s) -lt $end ]; do :; done");
        double wall = (System.nanoTime() - t0) / 1e9;
        double free = Math.min(before, cpuOneThreadGets());
        assertNotNull(r.stats().cpuUserNanos(), "the backend accounts CPU time: " + r.stats());
        double cpu = (r.stats().cpuUserNanos() + r.stats().cpuSystemNanos()) / 1e9;
        double share = cpu / wall;
        // the cap holds whatever the load; the spinner gets its half (within 10 %) when the host has
        // half a CPU to give, and on a busy host at least 80 % of what an unlimited thread gets
        double floor = Math.min(0.45, 0.8 * Math.min(0.5, free));
        assertTrue(share > floor && share < 0.55, "CPU share " + share + " (cpu " + cpu + " s over " + wall
                + " s; an unlimited thread got " + free + " of a CPU)");
    }

    /** The share of one CPU that a spinning thread of this JVM gets over half a second: how busy the host is. */
    private static double cpuOneThreadGets() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long end = t0 + 500_000_000L;
        long spin = 0;
        while (System.nanoTime() < end) {
            spin++;
        }
        double share = (mx.getCurrentThreadCpuTime() - c0) / (double) (System.nanoTime() - t0);
        return spin > 0 ? Math.min(1.0, share) : 1.0;
    }

    @Test
    @Covers({Capability.USER_SWITCH})
    void environmentWorkingDirectoryAndUserAreAsAsked() {
        SandboxSpec s = spec().process(ProcessSpec.builder("true").user(UserSpec.of(1000, 1000)).build()).build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        JsonNode p = probe(spec().build(), b -> b.env("CONFORMANCE_VAR", "a b\"c").cwd("/tmp")
                .user(UserSpec.of(1000, 1000)), "--env", "CONFORMANCE_VAR", "--env", "HOME");
        assertEquals("a b\"c", p.get("env.CONFORMANCE_VAR").asText());
        assertTrue(p.get("env.HOME").isNull(), "the environment is only what was given: " + p);
        assertEquals("/tmp", p.get("cwd").asText());
        assertEquals("1000", p.get("uid").asText());
        assertEquals("1000", p.get("gid").asText());
    }

    @Test
    @Covers(Capability.PID_ISOLATION)
    void exitCodesAndSignalsAreReported() {
        SandboxSpec s = spec().build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        Run exit = sh(s, "exit 7");
        assertEquals(7, exit.status().exitCode());
        Run killed = sh(spec().build(), "kill -TERM $$");
        assertEquals(Signal.TERM.number(), killed.status().signal(), killed.status().toString());
    }

    @Test
    @Covers(Capability.PID_ISOLATION)
    void killAndCloseLeaveNothingBehind() throws Exception {
        SandboxSpec s = spec().build();
        if (!supportedOrFailsClosed(s)) {
            return;
        }
        try (Sandbox box = backend().create(s)) {
            IsolatedProcess p = box.exec(ProcessSpec.builder("sleep", "60").stdin(Redirect.from(new File("/dev/null")))
                    .build());
            box.kill(Signal.KILL);
            assertTrue(p.waitFor(Duration.ofSeconds(20)), "killed");
            assertEquals(Signal.KILL.number(), p.waitFor().signal());
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aRequestTheBackendCannotHonourFailsClosed() {
        // a capability no backend has on every host: each backend must refuse what it lacks here
        List<SandboxSpec> candidates = List.of(
                spec().network(new NetworkSpec(NetworkMode.ADDRESSES, List.of("192.0.2.10"), List.of(), null)).build(),
                spec().network(NetworkSpec.HOST).build(),
                spec().network(new NetworkSpec(NetworkMode.BRIDGE, List.of(), List.of(), null)).build(),
                spec().limits(new Limits(null, null, null, null, null, null, null, 100, List.of())).build());
        int refused = 0;
        for (SandboxSpec s : candidates) {
            if (!supportedOrFailsClosed(s)) {
                refused++;
            }
        }
        assertTrue(refused > 0 || candidates.stream().allMatch(s -> backend().capabilities().supported()
                .containsAll(s.requiredCapabilities())), "every candidate was either refused or is supported");
    }
}
