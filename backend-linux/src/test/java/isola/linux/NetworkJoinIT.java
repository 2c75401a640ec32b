// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static isola.linux.Sandboxes.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.IsolatedProcess;
import isola.api.IsolationException;
import isola.api.MountSpec;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Sandboxes sharing one network namespace (a pod), and the hold between namespaces and workload. */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class NetworkJoinIT {
    private static final AtomicLong N = new AtomicLong();

    @BeforeAll
    static void root() {
        assumeTrue(Sandboxes.isRoot(), "as root");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox nc (run-tests installs busybox-static)");
    }

    private static String id(String what) {
        return "join-" + what + "-" + ProcessHandle.current().pid() + "-" + N.incrementAndGet();
    }

    private static ProcessSpec cmd(String script) {
        return ProcessSpec.builder("sh", "-c", script).stdin(Redirect.from(new java.io.File("/dev/null"))).build();
    }

    private static String netns(long pid) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
    }

    @Test
    void aJoinedSandboxSharesOneStackAndItsLaterProcessesToo() throws Exception {
        String pod = id("pod");
        var backend = new LinuxBackend();
        try (Sandbox a = backend.create(SandboxSpec.builder().id(pod).build())) {
            // the listener's input stays open (a FIFO held by the shell) until the client is done: busybox
            // nc half-closes at end of input, and a client that sees that first quits before it sends
            IsolatedProcess server = a.exec(cmd("mkfifo /tmp/in; busybox nc -l -p 9000 </tmp/in & exec 3>/tmp/in; "
                    + "wait $!"));
            SandboxSpec joined = SandboxSpec.builder().id(id("member"))
                    .network(new NetworkSpec(NetworkMode.JOIN, List.of(), List.of(), pod)).build();
            try (Sandbox b = backend.create(joined)) {
                var client = capture(b.exec(cmd("for i in $(seq 100); do echo hello | busybox nc 127.0.0.1 9000 "
                        + "&& exit 0; sleep 0.05; done; exit 1")));
                assertEquals(0, client.status().exitCode(), client.err());
                assertEquals("hello\n", capture(server).out(), "the member reached the pod's loopback");
                var later = capture(b.exec(cmd("readlink /proc/self/ns/net")));
                var inA = capture(a.exec(cmd("readlink /proc/self/ns/net")));
                assertEquals(inA.out(), later.out(), "a later process of the member is in the shared stack too");
                assertNotEquals(netns(ProcessHandle.current().pid()) + "\n", inA.out(), "and that is not the host's");
                var hostname = capture(b.exec(cmd("hostname")));
                assertEquals(b.id() + "\n", hostname.out(), "only the network is shared");
            }
        }
    }

    @Test
    void joiningNothingFailsBeforeAnythingIsMade() {
        String member = id("orphan");
        var backend = new LinuxBackend();
        IsolationException e = assertThrows(IsolationException.class, () -> backend.create(SandboxSpec.builder()
                .id(member).network(new NetworkSpec(NetworkMode.JOIN, List.of(), List.of(), "no-such-pod")).build()));
        assertEquals("no running sandbox no-such-pod", e.getMessage());
        // the id was never taken
        new LinuxBackend().create(SandboxSpec.builder().id(member).build()).close();
    }

    @Test
    void aCreatedButNotStartedSandboxCannotBeJoinedYet() {
        var backend = new LinuxBackend();
        String pod = id("idle");
        try (Sandbox a = backend.create(SandboxSpec.builder().id(pod).build())) {
            IsolationException e = assertThrows(IsolationException.class, () -> backend.create(SandboxSpec.builder()
                    .id(id("early")).network(new NetworkSpec(NetworkMode.JOIN, List.of(), List.of(), pod)).build()));
            assertTrue(e.getMessage().contains("has not started yet"), e.getMessage());
        }
    }

    @Test
    void theHoldRunsWithTheNamespacesBeforeTheWorkloadsFirstInstruction(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        LinuxSandbox s = (LinuxSandbox) new LinuxBackend().create(SandboxSpec.builder().id(id("hold"))
                .mount(MountSpec.bind(dir, "/mnt", false)).build());
        try (s) {
            long[] held = new long[1];
            String[] heldNs = new String[1];
            s.whileHeld(pid -> {
                held[0] = pid;
                assertFalse(Files.exists(marker), "the workload has not run");
                try {
                    heldNs[0] = netns(pid);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            var r = capture(s.exec(cmd("touch /mnt/ran; readlink /proc/self/ns/net")));
            assertEquals(0, r.status().exitCode(), r.err());
            assertTrue(Files.exists(marker));
            assertEquals(heldNs[0] + "\n", r.out(), "the hold saw the sandbox's own network namespace");
            assertNotEquals(netns(ProcessHandle.current().pid()), heldNs[0]);
            assertTrue(held[0] > 1);
        }
    }

    @Test
    void aFailingHoldTearsTheSandboxDownAndRunsNothing(@TempDir Path dir) throws Exception {
        LinuxSandbox s = (LinuxSandbox) new LinuxBackend().create(SandboxSpec.builder().id(id("holdfail"))
                .mount(MountSpec.bind(dir, "/mnt", false)).build());
        try (s) {
            long[] held = new long[1];
            s.whileHeld(pid -> {
                held[0] = pid;
                throw new IsolationException("network attachment failed");
            });
            IsolationException e = assertThrows(IsolationException.class, () -> s.exec(cmd("touch /mnt/ran")));
            assertEquals("network attachment failed", e.getMessage());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (ProcessHandle.of(held[0]).isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(ProcessHandle.of(held[0]).isPresent(), "the held init is gone");
            assertFalse(Files.exists(dir.resolve("ran")), "the workload never ran");
        }
        assertEquals(List.of(), Sandboxes.helperProcesses());
    }
}
