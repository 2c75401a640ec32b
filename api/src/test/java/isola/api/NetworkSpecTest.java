// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkSpecTest {
    private static final PortMapping WEB = new PortMapping(null, 8080, 80, "tcp");

    @Test
    void constants() {
        assertEquals(new NetworkSpec(NetworkMode.NONE, List.of(), List.of(), null), NetworkSpec.NONE);
        assertEquals(new NetworkSpec(NetworkMode.HOST, List.of(), List.of(), null), NetworkSpec.HOST);
        assertEquals(NetworkSpec.NONE, NetworkSpec.of(NetworkMode.NONE));
        assertEquals(NetworkSpec.HOST, NetworkSpec.of(NetworkMode.HOST));
    }

    @Test
    void nullListsMeanEmpty() {
        NetworkSpec n = new NetworkSpec(NetworkMode.BRIDGE, null, null, null);
        assertEquals(List.of(), n.addresses());
        assertEquals(List.of(), n.ports());
        assertNull(n.joinSandbox());
    }

    @Test
    void listsAreCopied() {
        List<PortMapping> ports = new ArrayList<>(List.of(WEB));
        NetworkSpec n = new NetworkSpec(NetworkMode.BRIDGE, List.of("10.88.0.5"), ports, null);
        ports.clear();
        assertEquals(List.of(WEB), n.ports());
        assertThrows(UnsupportedOperationException.class, () -> n.addresses().add("x"));
    }

    @Test
    void bridgeWithPortsAndAddress() {
        NetworkSpec n = new NetworkSpec(NetworkMode.BRIDGE, List.of("10.88.0.5"), List.of(WEB), null);
        assertEquals(NetworkMode.BRIDGE, n.mode());
        assertEquals(List.of("10.88.0.5"), n.addresses());
        assertEquals(List.of(WEB), n.ports());
    }

    @Test
    void missingModeIsRefused() {
        invalid(() -> new NetworkSpec(null, null, null, null), "network mode");
    }

    @ParameterizedTest
    @CsvSource({"NONE, none", "HOST, host", "JOIN, join", "ADDRESSES, addresses"})
    void portsOnlyWithBridge(NetworkMode mode, String name) {
        invalid(() -> new NetworkSpec(mode, mode == NetworkMode.ADDRESSES ? List.of("192.0.2.1") : null, List.of(WEB),
                mode == NetworkMode.JOIN ? "other" : null), "published ports", "bridge", name);
    }

    @Test
    void joinNeedsASandboxId() {
        invalid(() -> new NetworkSpec(NetworkMode.JOIN, null, null, null), "join", "id");
        invalid(() -> new NetworkSpec(NetworkMode.JOIN, null, null, ""), "join", "id");
    }

    @Test
    void join() {
        NetworkSpec n = new NetworkSpec(NetworkMode.JOIN, null, null, "web1");
        assertEquals("web1", n.joinSandbox());
    }

    @ParameterizedTest
    @EnumSource(value = NetworkMode.class, names = {"NONE", "HOST", "BRIDGE", "ADDRESSES"})
    void joinSandboxOnlyWithJoin(NetworkMode mode) {
        invalid(() -> new NetworkSpec(mode, mode == NetworkMode.ADDRESSES ? List.of("192.0.2.1") : null, null, "web1"),
                "join");
    }

    @Test
    void addressesModeNeedsAddresses() {
        invalid(() -> new NetworkSpec(NetworkMode.ADDRESSES, null, null, null), "addresses", "at least one address");
        invalid(() -> new NetworkSpec(NetworkMode.ADDRESSES, List.of(), null, null), "addresses");
    }

    @Test
    void addressesMode() {
        NetworkSpec n = new NetworkSpec(NetworkMode.ADDRESSES, List.of("192.0.2.1", "2001:db8::1"), null, null);
        assertEquals(List.of("192.0.2.1", "2001:db8::1"), n.addresses());
    }

    @ParameterizedTest
    @EnumSource(value = NetworkMode.class, names = {"NONE", "HOST", "JOIN"})
    void addressesOnlyWithBridgeOrAddresses(NetworkMode mode) {
        invalid(() -> new NetworkSpec(mode, List.of("192.0.2.1"), null, mode == NetworkMode.JOIN ? "w" : null),
                "addresses", "bridge");
    }

    // ---- NetworkMode.parse

    @ParameterizedTest
    @CsvSource({"none, NONE", "NONE, NONE", "host, HOST", "Bridge, BRIDGE", "join, JOIN", "addresses, ADDRESSES"})
    void parsesModes(String text, NetworkMode want) {
        assertEquals(want, NetworkMode.parse(text));
    }

    @Test
    void parseTrims() {
        assertEquals(NetworkMode.HOST, NetworkMode.parse(" host\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nat", "", "slirp4netns", "container:web"})
    void unknownModesAreRefused(String text) {
        invalid(() -> NetworkMode.parse(text), "unknown network mode", "\"" + text + "\"",
                "none, host, bridge, join or addresses");
    }
}
