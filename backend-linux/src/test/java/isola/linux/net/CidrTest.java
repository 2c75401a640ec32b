// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.SpecValidationException;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void anIpv4NetworkHasItsGatewayAndBroadcastReserved() {
        Cidr c = Cidr.parse("10.88.0.0/16");
        assertEquals("10.88.0.1", c.gateway().getHostAddress());
        assertEquals(BigInteger.valueOf(65536), c.size());
        assertTrue(c.contains(Cidr.address("10.88.255.255")));
        assertFalse(c.contains(Cidr.address("10.89.0.1")));
        assertFalse(c.assignable(Cidr.address("10.88.0.0")), "network address");
        assertFalse(c.assignable(Cidr.address("10.88.0.1")), "gateway");
        assertFalse(c.assignable(Cidr.address("10.88.255.255")), "broadcast");
        assertTrue(c.assignable(Cidr.address("10.88.0.2")));
        assertEquals("10.88.1.4", c.at(BigInteger.valueOf(260)).getHostAddress());
        assertEquals("10.88.0.0/16", c.toString());
    }

    @Test
    void anIpv6NetworkHasNoBroadcast() {
        Cidr c = Cidr.parse("fd88::/64");
        assertTrue(c.ipv6());
        assertEquals("fd88:0:0:0:0:0:0:1", c.gateway().getHostAddress());
        assertTrue(c.assignable(Cidr.address("fd88::ffff:ffff:ffff:ffff")));
        assertFalse(c.contains(Cidr.address("10.88.0.2")), "another family is never inside");
    }

    @Test
    void ipv6TextIsCompressedAsRfc5952Says() {
        assertEquals("fd88::1", Cidr.format(Cidr.address("fd88:0:0:0:0:0:0:1")));
        assertEquals("fd88::/64", Cidr.parse("fd88:0::/64").toString());
        assertEquals("::1", Cidr.format(Cidr.address("0:0:0:0:0:0:0:1")));
        assertEquals("::", Cidr.format(Cidr.address("::")));
        assertEquals("2001:db8::1:0:0:1", Cidr.format(Cidr.address("2001:db8:0:0:1:0:0:1")), "the first of two equal runs");
        assertEquals("2001:db8:0:1:1:1:1:1", Cidr.format(Cidr.address("2001:db8:0:1:1:1:1:1")), "a single zero group stays");
        assertEquals("fd88::12:0", Cidr.format(Cidr.address("fd88::12:0")));
        assertEquals("10.88.0.1", Cidr.format(Cidr.address("10.88.0.1")));
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertEquals("invalid CIDR \"10.88.0.0\": expected ADDRESS/PREFIX, e.g. 10.88.0.0/16",
                assertThrows(SpecValidationException.class, () -> Cidr.parse("10.88.0.0")).getMessage());
        assertEquals("invalid CIDR \"10.88.0.0/33\": the prefix length must be 0 to 32",
                assertThrows(SpecValidationException.class, () -> Cidr.parse("10.88.0.0/33")).getMessage());
        assertEquals("invalid CIDR \"10.88.0.1/16\": host bits are set (the network is 10.88.0.0/16)",
                assertThrows(SpecValidationException.class, () -> Cidr.parse("10.88.0.1/16")).getMessage());
        assertEquals("invalid IP address \"10.88.0.300\"",
                assertThrows(SpecValidationException.class, () -> Cidr.parse("10.88.0.300/16")).getMessage());
        for (String bad : new String[] {"example.org", "10.88.0", "1.2.3.4.5", "", "::g", "10.88.0.-1"}) {
            assertThrows(SpecValidationException.class, () -> Cidr.address(bad), bad);
        }
    }
}
