// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import java.util.ArrayList;
import java.util.List;

/**
 * The host side of network mode bridge, prepared once per host (docs/solaris-zones-backend.md): an
 * etherstub (a private virtual switch), the global zone's VNIC on it holding the gateway address,
 * IP forwarding, and IP Filter for NAT. isola adds per sandbox a VNIC on the etherstub and ipnat
 * rules. Read from system properties {@code isola.zones.etherstub} (default {@code isolastub0}),
 * {@code isola.zones.gateway} (default {@code 10.201.0.1/24}) and {@code isola.zones.egress}
 * (default: the interface of the default route).
 *
 * @param etherstub the etherstub
 * @param gateway the gateway address (the global zone's VNIC on the etherstub)
 * @param prefix the subnet's prefix length
 * @param egress the interface NAT and published ports use, or null when there is none
 */
record ZonesBridge(String etherstub, String gateway, int prefix, String egress) {
    /** @param egress the default-route interface, or null @return the configuration from system properties */
    static ZonesBridge fromProperties(String egress) {
        String gw = System.getProperty("isola.zones.gateway", "10.201.0.1/24");
        int slash = gw.indexOf('/');
        return new ZonesBridge(System.getProperty("isola.zones.etherstub", ZoneNames.ETHERSTUB), gw.substring(0, slash),
                Integer.parseInt(gw.substring(slash + 1)), System.getProperty("isola.zones.egress", egress));
    }

    /** @return the candidate sandbox addresses (IPv4, at most a /16's worth), network, broadcast and gateway excluded */
    List<String> candidates() {
        long gw = v4(gateway);
        long base = gw & (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        long size = Math.min(1L << (32 - prefix), 65536);
        List<String> out = new ArrayList<>();
        for (long i = 1; i < size - 1; i++) {
            if (base + i != gw) {
                out.add(dotted(base + i));
            }
        }
        return out;
    }

    static long v4(String a) {
        String[] o = a.split("\\.");
        if (o.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + a);
        }
        long v = 0;
        for (String s : o) {
            int b = Integer.parseInt(s);
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + a);
            }
            v = v << 8 | b;
        }
        return v;
    }

    static String dotted(long a) {
        return (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
    }

    /** @param address an address @return whether it lies in the bridge's subnet */
    boolean contains(String address) {
        long mask = 0xffffffffL << (32 - prefix) & 0xffffffffL;
        return (v4(address) & mask) == (v4(gateway) & mask);
    }
}
