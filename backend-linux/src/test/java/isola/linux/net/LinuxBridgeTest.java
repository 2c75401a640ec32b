// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import isola.api.SpecValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host IPv6 detection against a fake /proc, and the bridge's configuration checks. */
class LinuxBridgeTest {
    @TempDir
    Path proc;

    @Test
    void ipv6IsThereWhenTheKernelHasItAndItIsNotDisabled() throws Exception {
        assertEquals("this host has no IPv6 (the kernel lacks it: " + proc.resolve("net/if_inet6") + " is missing)",
                LinuxBridge.hostIpv6Problem(proc));
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/if_inet6"), "");
        Path all = Files.createDirectories(proc.resolve("sys/net/ipv6/conf/all"));
        Files.writeString(all.resolve("disable_ipv6"), "1\n");
        assertEquals("this host has IPv6 disabled (net.ipv6.conf.all.disable_ipv6 is 1)", LinuxBridge.hostIpv6Problem(proc));
        Files.writeString(all.resolve("disable_ipv6"), "0\n");
        assertNull(LinuxBridge.hostIpv6Problem(proc));
    }

    @Test
    void badBridgeSettingsAreRefused() {
        assertEquals("invalid bridge name \"this-name-is-too-long\" (up to 15 letters, digits, '_', '.', '-')",
                assertThrows(SpecValidationException.class, () -> new LinuxBridge("this-name-is-too-long",
                        Cidr.parse("10.88.0.0/16"), proc, null)).getMessage());
        assertEquals("the bridge range must be an IPv4 network from /8 to /30, got fd88::/64",
                assertThrows(SpecValidationException.class, () -> new LinuxBridge("isola0", Cidr.parse("fd88::/64"), proc,
                        null)).getMessage());
        assertEquals("the bridge's IPv6 range must be an IPv6 network of /120 or larger, got 10.89.0.0/16",
                assertThrows(SpecValidationException.class, () -> new LinuxBridge("isola0", Cidr.parse("10.88.0.0/16"),
                        Cidr.parse("10.89.0.0/16"), null, proc, null)).getMessage());
    }
}
