// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.IsolatedProcess;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Many bridged sandboxes, and one whose owner is killed, leave no interface, address, rule or namespace. */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class BridgeLeakIT {
    @BeforeAll
    static void root() {
        BridgeNetworkIT.root();
    }

    @AfterEach
    void nothingLeft() {
        BridgeLeftovers.assertNone();
    }

    /**
     * @param theirs network namespaces the sandboxes had
     * @return processes still in one of them that are this JVM's descendants or orphans (where a
     *     leaked sandbox process would be); inode numbers are reused, so other processes may
     *     legitimately be in a namespace with a recycled number
     */
    private static List<String> stillIn(Set<String> theirs) {
        List<String> out = new ArrayList<>();
        Set<Long> ours = new java.util.HashSet<>();
        ProcessHandle.current().descendants().forEach(h -> ours.add(h.pid()));
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    long pid = Long.parseLong(p.getFileName().toString());
                    String ns = Files.readSymbolicLink(p.resolve("ns/net")).toString();
                    long ppid = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(1L);
                    if (theirs.contains(ns) && (ours.contains(pid) || ppid == 1)) {
                        out.add(pid + " " + Files.readString(p.resolve("comm")).strip());
                    }
                } catch (java.io.IOException gone) {
                    // exited meanwhile
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void twoHundredBridgedSandboxesTwoAtATimeLeaveNothing() throws Exception {
        Set<String> theirs = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            runs.add(pool.submit(() -> {
                var ports = n % 4 == 0 ? new isola.api.PortMapping[] {isola.api.PortMapping.parse((20000 + n) + ":80")}
                        : new isola.api.PortMapping[0];
                try (Sandbox s = BridgeNetworkIT.BACKEND.create(BridgeNetworkIT.bridged("leak", null, ports))) {
                    IsolatedProcess p = s.exec(ProcessSpec.builder("readlink", "/proc/self/ns/net")
                            .stdin(Redirect.from(new java.io.File("/dev/null"))).stderr(Redirect.DISCARD).build());
                    String ns = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    assertTrue(p.waitFor().success(), "run " + n);
                    theirs.add(ns);
                    if (n % 10 == 0) {
                        // a failure half-way after the network is connected must leave nothing either
                        try {
                            s.exec(ProcessSpec.builder("/no/such/program").stdout(Redirect.DISCARD).stderr(Redirect.DISCARD)
                                    .build());
                        } catch (isola.api.HelperFailedException expected) {
                            // checked below through the leftovers
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : runs) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        String host = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        assertTrue(!theirs.contains(host) && !theirs.isEmpty(), "the sandboxes had their own network namespaces");
        assertEquals(List.of(), stillIn(theirs), "processes left in the sandboxes' network namespaces");
        assertEquals(List.of(), Sandboxes.helperProcesses(), "helper processes");
    }

    @Test
    void aHelperKilledAtAnyMomentOfABridgedSetupLeavesNothing() throws Exception {
        // how long a bridged setup takes here and now (the machine may be loaded): the kills spread over 1.5 times that
        long t0 = System.nanoTime();
        try (Sandbox s = BridgeNetworkIT.BACKEND.create(BridgeNetworkIT.bridged("kill-warm", null,
                isola.api.PortMapping.parse(PublishedPortsIT.freePort() + ":80")))) {
            s.exec(ProcessSpec.builder("true").stdin(Redirect.from(new java.io.File("/dev/null"))).build()).waitFor();
        }
        long setup = System.nanoTime() - t0;
        int failed = 0;
        int started = 0;
        for (int i = 0; i < 40; i++) {
            long delayNanos = setup * 3 / 2 * i / 40; // from the helper's start to past the hold and the connect
            boolean outerOnly = i % 2 == 0;
            int port = PublishedPortsIT.freePort();
            try (Sandbox s = BridgeNetworkIT.BACKEND.create(BridgeNetworkIT.bridged("kill", null,
                    isola.api.PortMapping.parse(port + ":80")))) {
                Thread killer = new Thread(() -> SetupCrashIT.kill(delayNanos, outerOnly));
                killer.start();
                try {
                    IsolatedProcess p = s.exec(ProcessSpec.builder("sh", "-c", "sleep 0.05")
                            .stdin(Redirect.from(new java.io.File("/dev/null"))).stdout(Redirect.DISCARD)
                            .stderr(Redirect.DISCARD).timeout(java.time.Duration.ofSeconds(10)).build());
                    started++;
                    p.onExit().toCompletableFuture().get(10, TimeUnit.SECONDS);
                } catch (isola.api.IsolationException e) {
                    failed++;
                } finally {
                    killer.join();
                }
            }
        }
        assertTrue(failed > 0, "some helpers died during setup (" + failed + " of 40)");
        assertTrue(started > 0, "some workloads started before their helper died (" + started + " of 40)");
        assertEquals(List.of(), Sandboxes.helperProcesses(), "helper processes");
        // and no veth, lease, DNAT element, table or bridge: nothingLeft
    }

    @Test
    void aSweepSparesALiveSandboxOfAnotherRuntimeDirectory(@org.junit.jupiter.api.io.TempDir Path runtime) throws Exception {
        String id = BridgeNetworkIT.id("other-dir");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LeaseHolder.class.getName(), "bridged", id,
                Integer.toString(PublishedPortsIT.freePort())).redirectError(Redirect.INHERIT);
        pb.environment().put("ISOLA_RUNTIME_DIR", runtime.resolve("isola").toString());
        Process owner = pb.start();
        try {
            assertEquals("ready", new BufferedReader(new InputStreamReader(owner.getInputStream())).readLine());
            List<String> veths = BridgeLeftovers.veths();
            assertEquals(1, veths.size());
            // this process's backend sweeps at start: the other sandbox is alive, so all of it stays
            new LinuxBackend().create(isola.api.SandboxSpec.builder().id(BridgeNetworkIT.id("sweeper")).build()).close();
            assertEquals(veths, BridgeLeftovers.veths());
            assertTrue(BridgeLeftovers.leases().stream().anyMatch(n -> n.startsWith("10.88.")), "its lease stays");
            assertTrue(BridgeLeftovers.nftTables().contains("isola_isola0"), "its DNAT stays");
        } finally {
            owner.destroyForcibly();
            owner.waitFor();
        }
        new LinuxBackend().create(isola.api.SandboxSpec.builder().id(BridgeNetworkIT.id("after-other")).build()).close();
        // nothingLeft: once its owner is dead the sweep removes it
    }

    @Test
    void aSweepUndoesTheNetworkOfAnOwnerThatWasKilled() throws Exception {
        int port = PublishedPortsIT.freePort();
        String id = BridgeNetworkIT.id("crash");
        Process owner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LeaseHolder.class.getName(), "bridged", id, Integer.toString(port))
                .redirectError(Redirect.INHERIT).start();
        try {
            assertEquals("ready", new BufferedReader(new InputStreamReader(owner.getInputStream())).readLine());
            assertEquals(1, BridgeLeftovers.veths().size(), "the owner's sandbox is connected");
        } finally {
            owner.destroyForcibly();
            owner.waitFor();
        }
        // its helper dies with it and so does the namespace with the veth; the bridge, lease and DNAT stay
        assertTrue(BridgeLeftovers.leases().stream().anyMatch(n -> n.startsWith("10.88.")), "the lease is left");
        assertTrue(BridgeLeftovers.nftTables().contains("isola_isola0"));
        // the next backend to start sweeps
        new LinuxBackend().create(isola.api.SandboxSpec.builder().id(BridgeNetworkIT.id("after")).build()).close();
        // checked by nothingLeft: no lease, DNAT table or bridge remains
    }
}
