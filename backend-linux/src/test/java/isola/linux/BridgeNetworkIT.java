// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static isola.linux.Sandboxes.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.IsolatedProcess;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.PortMapping;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Network mode bridge for real: traffic between sandboxes and the host over the bridge. After
 * every test no veth, address lease, NAT table or isola-made bridge is left.
 */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class BridgeNetworkIT {
    private static final AtomicLong N = new AtomicLong();
    static final LinuxBackend BACKEND = new LinuxBackend();

    @BeforeAll
    static void root() {
        assumeTrue(Sandboxes.isRoot(), "as root");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox nc (run-tests installs busybox-static)");
        assumeTrue(isola.linux.net.NetCommands.missing() == null, "ip and nft (run-tests installs iproute2 and nftables)");
        BridgeLeftovers.rememberForwarding();
    }

    @AfterEach
    void nothingLeft() {
        BridgeLeftovers.assertNone();
    }

    static String id(String what) {
        return "br-" + what + "-" + ProcessHandle.current().pid() + "-" + N.incrementAndGet();
    }

    static SandboxSpec bridged(String what, String ip, PortMapping... ports) {
        return SandboxSpec.builder().id(id(what))
                .network(new NetworkSpec(NetworkMode.BRIDGE, ip == null ? List.of() : List.of(ip), List.of(ports), null))
                .build();
    }

    static ProcessSpec cmd(String script) {
        return ProcessSpec.builder("sh", "-c", script).stdin(Redirect.from(new java.io.File("/dev/null"))).build();
    }

    /** Reads a line the sandbox prints when it is ready (it must print one). */
    static String firstLine(IsolatedProcess p) throws Exception {
        InputStream in = p.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.append((char) c);
        }
        return b.toString();
    }

    static String talk(String host, int port, String send) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
                s.setSoTimeout(5000);
                if (!send.isEmpty()) {
                    s.getOutputStream().write(send.getBytes(StandardCharsets.UTF_8));
                    s.shutdownOutput();
                }
                // read the answer's line before closing our side: busybox nc -l quits at end of input from the
                // network, possibly before it has sent what it read from its stdin
                StringBuilder b = new StringBuilder();
                int c;
                InputStream in = s.getInputStream();
                while ((c = in.read()) >= 0) {
                    b.append((char) c);
                    if (c == '\n') {
                        break;
                    }
                }
                if (b.length() == 0) {
                    throw new java.io.IOException("closed without an answer (not listening yet)");
                }
                return b.toString();
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void aSandboxHasItsAddressAndDefaultRouteAndReachesTheHostAndBack() throws Exception {
        try (Sandbox s = BACKEND.create(bridged("host", null));
                ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(0));
            IsolatedProcess p = s.exec(cmd("busybox ip -4 -o addr show eth0 | busybox awk '{print $4}'; busybox ip route; "
                    + "echo ping | busybox nc 10.88.0.1 " + server.getLocalPort()));
            String fromHost;
            String peer;
            try (Socket from = server.accept()) {
                from.setSoTimeout(10_000);
                byte[] b = new byte[5];
                fromHost = new String(b, 0, from.getInputStream().readNBytes(b, 0, 5), StandardCharsets.UTF_8);
                peer = from.getInetAddress().getHostAddress();
            }
            var r = capture(p);
            assertEquals(0, r.status().exitCode(), r.err());
            List<String> lines = r.lines();
            assertTrue(lines.get(0).matches("10\\.88\\.\\d+\\.\\d+/16"), r.out());
            assertTrue(lines.contains("default via 10.88.0.1 dev eth0 "), r.out());
            assertEquals("ping\n", fromHost);
            String self = lines.get(0).substring(0, lines.get(0).indexOf('/'));
            assertEquals(self, peer, "the host sees the sandbox's own address");
            IsolatedProcess listener = s.exec(cmd("echo ready; echo pong | busybox nc -l -p 9000"));
            assertEquals("ready", firstLine(listener));
            assertEquals("pong\n", talk(self, 9000, ""), "the host reaches the sandbox at its address");
        }
    }

    @Test
    void anIpv6AddressPairsWithTheIpv4OneAndCarriesTrafficBothWays() throws Exception {
        assumeTrue(isola.linux.net.LinuxBridge.hostIpv6Problem(Path.of("/proc")) == null, "a host with IPv6");
        try (Sandbox s = BACKEND.create(bridged("v6", "fd88::1234"));
                ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("::", 0));
            IsolatedProcess p = s.exec(cmd("busybox ip -o addr show eth0 scope global | busybox awk '{print $4}'; "
                    + "busybox ip -6 route show default | busybox awk '{print $3}'; "
                    + "echo ping6 | busybox nc fd88::1 " + server.getLocalPort()));
            String peer;
            try (Socket from = server.accept()) {
                peer = from.getInetAddress().getHostAddress();
            }
            var r = capture(p);
            assertEquals("10.88.18.52/16\nfd88::1234/64\nfd88::1\n", r.out(), r.err());
            assertEquals("fd88:0:0:0:0:0:0:1234", peer, "the host sees the sandbox's IPv6 address");
            IsolatedProcess listener = s.exec(cmd("echo ready; echo pong6 | busybox nc -l -p 9000"));
            assertEquals("ready", firstLine(listener));
            assertEquals("pong6\n", talk("fd88::1234", 9000, ""), "the host reaches the sandbox over IPv6");
        }
    }

    static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(script + ": " + out);
        }
    }

    /**
     * An "outside" network the test makes: a namespace with 198.51.100.2 behind a veth from the host
     * (198.51.100.1), and no route back to the bridge's range. A sandbox reaches it only through the
     * masquerade, and is seen there as the host's address on that link.
     */
    @Test
    void trafficToTheOutsideIsMasqueradedAsTheHost() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 (run-tests installs it)");
        String ns = "isola-it-out-" + ProcessHandle.current().pid();
        String veth = "itout" + (ProcessHandle.current().pid() % 100000);
        sh("ip netns add " + ns + " && ip link add " + veth + " type veth peer name eth0 netns " + ns
                + " && ip addr add 198.51.100.1/24 dev " + veth + " && ip link set " + veth + " up"
                + " && ip -n " + ns + " addr add 198.51.100.2/24 dev eth0 && ip -n " + ns + " link set eth0 up"
                + " && ip -n " + ns + " link set lo up");
        Process server = null;
        try {
            server = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/bin/python3", "-c",
                    "import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                    + "s.bind(('198.51.100.2',9999))\ns.listen()\nprint('ready',flush=True)\nc,a=s.accept()\n"
                    + "print(a[0],c.recv(100).decode().strip(),flush=True)\n").redirectError(Redirect.INHERIT).start();
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream()));
            assertEquals("ready", out.readLine());
            try (Sandbox s = BACKEND.create(bridged("out", null))) {
                var r = capture(s.exec(cmd("echo out | busybox nc 198.51.100.2 9999")));
                assertEquals(0, r.status().exitCode(), r.err());
            }
            assertEquals("198.51.100.1 out", out.readLine(), "the outside saw the host's address, not the sandbox's");
        } finally {
            if (server != null) {
                server.destroyForcibly();
                server.waitFor();
            }
            sh("ip netns del " + ns + "; ip link del " + veth + " 2>/dev/null; true");
        }
    }

    @Test
    void sandboxesReachEachOtherAndEachBindsTheSamePort() throws Exception {
        try (Sandbox a = BACKEND.create(bridged("a", "10.88.200.2"));
                Sandbox b = BACKEND.create(bridged("b", "10.88.200.3"))) {
            IsolatedProcess la = a.exec(cmd("echo ready; echo from-a | busybox nc -l -p 9000"));
            IsolatedProcess lb = b.exec(cmd("echo ready; echo from-b | busybox nc -l -p 9000"));
            assertEquals("ready", firstLine(la));
            assertEquals("ready", firstLine(lb));
            var r = capture(b.exec(cmd("for i in $(seq 100); do busybox nc 10.88.200.2 9000 </dev/null && exit 0; "
                    + "sleep 0.05; done; exit 1")));
            assertEquals(0, r.status().exitCode(), r.err());
            assertEquals("from-a\n", r.out(), "b reached a over the bridge");
            assertEquals("from-b\n", talk("10.88.200.3", 9000, ""), "b's own listener on the same port");
        }
    }

    @Test
    void noneHasNoRouteOffTheSandbox() throws Exception {
        try (Sandbox s = BACKEND.create(SandboxSpec.builder().id(id("none")).build())) {
            var r = capture(s.exec(cmd("busybox ip -o link | busybox awk '{print $2}'; busybox ip route; "
                    + "busybox nc -w 1 10.88.0.1 9 </dev/null && echo connected || echo unreachable")));
            assertEquals("lo:\nunreachable\n", r.out(), r.err());
        }
    }

    @Test
    void hostModeSeesTheHostsInterfaces() throws Exception {
        try (Sandbox s = BACKEND.create(SandboxSpec.builder().id(id("hostmode")).network(NetworkSpec.HOST).build())) {
            var r = capture(s.exec(cmd("busybox ls /sys/class/net")));
            List<String> host;
            try (var l = Files.list(Path.of("/sys/class/net"))) {
                host = l.map(p -> p.getFileName().toString()).sorted().toList();
            }
            assertEquals(host, r.lines().stream().sorted().toList());
        }
    }

    @Test
    void aJoinedSandboxSharesTheBridgedStack() throws Exception {
        try (Sandbox pod = BACKEND.create(bridged("pod", "10.88.201.7"))) {
            IsolatedProcess server = pod.exec(cmd("echo ready; echo pod | busybox nc -l -p 9000"));
            assertEquals("ready", firstLine(server));
            try (Sandbox member = BACKEND.create(SandboxSpec.builder().id(id("member"))
                    .network(new NetworkSpec(NetworkMode.JOIN, List.of(), List.of(), pod.id())).build())) {
                var r = capture(member.exec(cmd("busybox ip -4 -o addr show eth0 | busybox awk '{print $4}'; "
                        + "busybox nc 127.0.0.1 9000 </dev/null")));
                assertEquals("10.88.201.7/16\npod\n", r.out(), r.err());
            }
        }
    }

    @Test
    void theSandboxSeesItsOwnHostsAndResolvConfAndTheHostsFilesAreUntouched() throws Exception {
        String hostsBefore = Files.readString(Path.of("/etc/hosts"));
        String resolvBefore = Files.readString(Path.of("/etc/resolv.conf"));
        SandboxSpec spec = SandboxSpec.builder().id(id("etc")).hostname("web1")
                .network(new NetworkSpec(NetworkMode.BRIDGE, List.of("10.88.202.9"), List.of(), null)).build();
        try (Sandbox s = BACKEND.create(spec)) {
            var r = capture(s.exec(cmd("cat /etc/hosts; echo ---; cat /etc/resolv.conf; echo ---; "
                    + "echo x >> /etc/hosts && echo writable || echo read-only")));
            String[] parts = r.out().split("---\n");
            assertTrue(parts[0].contains("10.88.202.9\tweb1\n"), r.out());
            assertTrue(parts[0].contains("10.88.0.1\thost.isola.internal\n"), r.out());
            assertTrue(parts[0].contains("127.0.0.1\tlocalhost\n"), r.out());
            if (isola.linux.net.LinuxBridge.hostIpv6Problem(Path.of("/proc")) == null) {
                // 10.88.202.9 is at offset 202 * 256 + 9 = 0xca09 of the IPv4 range
                assertTrue(parts[0].contains("fd88::ca09\tweb1\n"), r.out());
                assertTrue(parts[0].contains("fd88::1\thost.isola.internal\n"), r.out());
            }
            for (String line : resolvBefore.split("\n")) {
                if (line.startsWith("nameserver") && !line.contains(" 127.")) {
                    assertTrue(parts[1].contains(line.strip()), r.out());
                }
            }
            assertTrue(!parts[1].contains("nameserver 127."), "no loopback resolver: " + parts[1]);
            assertEquals("read-only\n", parts[2]);
        }
        assertEquals(hostsBefore, Files.readString(Path.of("/etc/hosts")));
        assertEquals(resolvBefore, Files.readString(Path.of("/etc/resolv.conf")));
        assertNotEquals("", hostsBefore);
    }
}
