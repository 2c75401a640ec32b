// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static isola.linux.BridgeNetworkIT.BACKEND;
import static isola.linux.BridgeNetworkIT.bridged;
import static isola.linux.BridgeNetworkIT.cmd;
import static isola.linux.BridgeNetworkIT.firstLine;
import static isola.linux.BridgeNetworkIT.talk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.IsolatedProcess;
import isola.api.IsolationException;
import isola.api.PortMapping;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Ports published from the host into bridged sandboxes, and bad input that must leave nothing behind. */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class PublishedPortsIT {
    @BeforeAll
    static void root() {
        BridgeNetworkIT.root();
    }

    @AfterEach
    void nothingLeft() {
        BridgeLeftovers.assertNone();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String hostAddress() throws Exception {
        for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) {
            if (i.isUp() && !i.isLoopback() && !i.getName().startsWith("iv") && !i.getName().equals("isola0")) {
                for (InetAddress a : i.inetAddresses().toList()) {
                    if (a instanceof Inet4Address) {
                        return a.getHostAddress();
                    }
                }
            }
        }
        return null;
    }

    @Test
    void aPublishedTcpPortIsReachableFromTheHostAtLoopbackAndItsOwnAddress() throws Exception {
        int port = freePort();
        try (Sandbox s = BACKEND.create(bridged("tcp", null, PortMapping.parse(port + ":8000")))) {
            IsolatedProcess p = s.exec(cmd("echo ready; echo one | busybox nc -l -p 8000; echo two | busybox nc -l -p 8000"));
            assertEquals("ready", firstLine(p));
            assertEquals("one\n", talk("127.0.0.1", port, ""), "through the output chain and route_localnet");
            String host = hostAddress();
            assumeTrue(host != null, "a non-loopback IPv4 address on the host");
            assertEquals("two\n", talk(host, port, ""), "at the host's own address");
        }
    }

    @Test
    void aSandboxReachesAnotherThroughItsPublishedPort() throws Exception {
        int port = freePort();
        try (Sandbox server = BACKEND.create(bridged("hairpin-server", null, PortMapping.parse(port + ":8000")));
                Sandbox client = BACKEND.create(bridged("hairpin-client", null))) {
            IsolatedProcess p = server.exec(cmd("echo ready; echo hairpin | busybox nc -l -p 8000"));
            assertEquals("ready", firstLine(p));
            var r = Sandboxes.capture(client.exec(cmd("busybox nc 10.88.0.1 " + port + " </dev/null")));
            assertEquals("hairpin\n", r.out(), r.err());
        }
    }

    @Test
    void aPublishedUdpPortIsReachableFromTheHost() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 for a UDP echo (run-tests installs it)");
        int port = freePort();
        String echo = "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('',8000))\nprint('ready',flush=True)\n"
                + "d,a=s.recvfrom(100)\ns.sendto(d.upper(),a)\n";
        try (Sandbox s = BACKEND.create(bridged("udp", null, PortMapping.parse("127.0.0.1:" + port + ":8000/udp")))) {
            IsolatedProcess p = s.exec(isola.api.ProcessSpec.builder("/usr/bin/python3", "-c", echo)
                    .stdin(java.lang.ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).build());
            assertEquals("ready", firstLine(p));
            try (DatagramSocket d = new DatagramSocket()) {
                d.setSoTimeout(500);
                byte[] buf = new byte[100];
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                String got = null;
                for (int i = 0; i < 20 && got == null; i++) {
                    d.send(new DatagramPacket("hello".getBytes(StandardCharsets.UTF_8), 5,
                            new InetSocketAddress("127.0.0.1", port)));
                    try {
                        d.receive(in);
                        got = new String(buf, 0, in.getLength(), StandardCharsets.UTF_8);
                    } catch (SocketTimeoutException again) {
                        // the echo may not be bound yet
                    }
                }
                assertEquals("HELLO", got);
            }
        }
    }

    @Test
    void anAddressOutsideTheRangeOrReservedIsRefused() {
        assertEquals("address 10.99.0.5 is outside the bridge's range 10.88.0.0/16; choose one in the range or "
                + "configure another range", assertThrows(SpecValidationException.class,
                        () -> BACKEND.create(bridged("out", "10.99.0.5"))).getMessage());
        assertEquals("address 10.88.0.1 is reserved in 10.88.0.0/16 (the network, gateway or broadcast address)",
                assertThrows(SpecValidationException.class, () -> BACKEND.create(bridged("gw", "10.88.0.1"))).getMessage());
        assertEquals("invalid IP address \"10.88.0.300\"",
                assertThrows(SpecValidationException.class, () -> BACKEND.create(bridged("bad", "10.88.0.300"))).getMessage());
    }

    @Test
    void anAddressInUseIsRefusedAndTheFirstSandboxKeepsIt() throws Exception {
        try (Sandbox a = BACKEND.create(bridged("first", "10.88.210.2"))) {
            assertEquals(0, Sandboxes.capture(a.exec(cmd("true"))).status().exitCode());
            IsolationException e = assertThrows(IsolationException.class, () -> BACKEND.create(bridged("second", "10.88.210.2")));
            assertEquals("address 10.88.210.2 is in use by sandbox " + a.id() + "; choose another or let isola allocate one",
                    e.getMessage());
            assertEquals(List.of("10.88.210.2", "created", "forward.saved"), BridgeLeftovers.leases());
            assertEquals(List.of("iv0a58d202"), BridgeLeftovers.veths());
        }
    }

    @Test
    void aHostPortPublishedTwiceOrHeldByAHostProcessIsRefused() throws Exception {
        int port = freePort();
        try (Sandbox a = BACKEND.create(bridged("pub1", null, PortMapping.parse(port + ":80")))) {
            IsolationException e = assertThrows(IsolationException.class,
                    () -> BACKEND.create(bridged("pub2", null, PortMapping.parse("127.0.0.1:" + port + ":81"))));
            assertEquals("host port 127.0.0.1:" + port + "/tcp is already published by sandbox " + a.id(), e.getMessage());
            // the same number over udp is another port
            BACKEND.create(bridged("pub3", null, PortMapping.parse(port + ":81/udp"))).close();
        }
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress("127.0.0.1", 0));
            int p = held.getLocalPort();
            IsolationException e = assertThrows(IsolationException.class,
                    () -> BACKEND.create(bridged("pub4", null, PortMapping.parse("127.0.0.1:" + p + ":80"))));
            assertEquals("cannot publish host port 127.0.0.1:" + p + "/tcp: a process on the host listens on it",
                    e.getMessage());
        }
        IsolationException e = assertThrows(IsolationException.class,
                () -> BACKEND.create(bridged("pub5", null, PortMapping.parse("192.0.2.254:" + port + ":80"))));
        assertEquals("cannot publish host port 192.0.2.254:" + port + "/tcp: 192.0.2.254 is not an address of this host",
                e.getMessage());
    }

    @Test
    void anInvalidPortOrRangeIsRefusedBeforeAnythingIsMade() {
        assertEquals("port must be between 1 and 65535, got 0",
                assertThrows(SpecValidationException.class, () -> PortMapping.parse("18080:0")).getMessage());
        assertEquals("port must be between 1 and 65535, got 70000",
                assertThrows(SpecValidationException.class, () -> PortMapping.parse("70000:80")).getMessage());
        assertEquals("published port protocol must be tcp or udp, got \"sctp\"",
                assertThrows(SpecValidationException.class, () -> PortMapping.parse("80:80/sctp")).getMessage());
        String before = System.getProperty("isola.linux.bridge.subnet");
        System.setProperty("isola.linux.bridge.subnet", "10.88.0.0/33");
        try {
            SpecValidationException e = assertThrows(SpecValidationException.class,
                    () -> new LinuxBackend().create(bridged("cidr", null)));
            assertEquals("invalid CIDR \"10.88.0.0/33\": the prefix length must be 0 to 32", e.getMessage());
            System.setProperty("isola.linux.bridge.subnet", "10.88.0.0/31");
            e = assertThrows(SpecValidationException.class, () -> new LinuxBackend().create(bridged("cidr", null)));
            assertEquals("the bridge range must be an IPv4 network from /8 to /30, got 10.88.0.0/31", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("isola.linux.bridge.subnet");
            } else {
                System.setProperty("isola.linux.bridge.subnet", before);
            }
        }
    }

    @Test
    void badIpv6RequestsAreRefusedAndAnIpv6LessBridgeFailsClosed() {
        assertEquals("address fd89::5 is outside the bridge's IPv6 range fd88::/64 (the part that pairs with "
                + "10.88.0.0/16)", assertThrows(SpecValidationException.class,
                        () -> BACKEND.create(bridged("v6out", "fd89::5"))).getMessage());
        var both = SandboxSpec.builder().id(BridgeNetworkIT.id("pair")).network(new isola.api.NetworkSpec(
                isola.api.NetworkMode.BRIDGE, List.of("10.88.0.9", "fd88::8"), List.of(), null)).build();
        assertEquals("addresses 10.88.0.9 and fd88::8 do not pair: the IPv6 address of 10.88.0.9 is fd88::9", assertThrows(SpecValidationException.class, () -> BACKEND.create(both)).getMessage());
        assertEquals("cannot publish host port ::1:" + 8080 + "/tcp: ports are published on IPv4 host addresses only in this "
                + "version", assertThrows(IsolationException.class,
                        () -> BACKEND.create(bridged("v6port", null, PortMapping.parse("::1:8080:80")))).getMessage());
        System.setProperty("isola.linux.bridge.subnet6", "none");
        try {
            var e = assertThrows(isola.api.UnsupportedCapabilityException.class,
                    () -> new LinuxBackend().create(bridged("v6off", "fd88::5")));
            assertEquals(isola.api.Capability.NETWORK_BRIDGE, e.capability());
            assertTrue(e.getMessage().contains("IPv6 address fd88::5 requested, but IPv6 is off for this bridge "
                    + "(isola.linux.bridge.subnet6=none)"), e.getMessage());
        } finally {
            System.clearProperty("isola.linux.bridge.subnet6");
        }
    }
}
