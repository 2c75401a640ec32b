// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

/**
 * The host side of network mode bridge, prepared once per host (see docs/freebsd-backend.md):
 * the if_bridge with the gateway address, its subnet, and the egress interface NAT goes out of.
 * Read from system properties {@code isola.freebsd.bridge} (default {@code bridge0}),
 * {@code isola.freebsd.gateway} (default {@code 10.200.0.1/24}) and {@code isola.freebsd.egress}
 * (default: the interface of the default route).
 *
 * @param bridge the bridge interface
 * @param gateway the gateway address on the bridge
 * @param prefix the subnet's prefix length
 * @param egress the interface NAT and published ports use, or null when there is none
 */
public record BridgeConfig(String bridge, String gateway, int prefix, String egress) {
    /** @param egress the default-route interface, or null @return the configuration from system properties */
    public static BridgeConfig fromProperties(String egress) {
        String gw = System.getProperty("isola.freebsd.gateway", "10.200.0.1/24");
        int slash = gw.indexOf('/');
        return new BridgeConfig(System.getProperty("isola.freebsd.bridge", "bridge0"), gw.substring(0, slash),
                Integer.parseInt(gw.substring(slash + 1)), System.getProperty("isola.freebsd.egress", egress));
    }

    /** @return the candidate sandbox addresses of the subnet (IPv4, at most a /16's worth), gateway excluded */
    public java.util.List<String> candidates() {
        int[] o = java.util.Arrays.stream(gateway.split("\\.")).mapToInt(Integer::parseInt).toArray();
        long base = ((long) o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]) & (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        long size = Math.min(1L << (32 - prefix), 65536);
        java.util.List<String> out = new java.util.ArrayList<>();
        for (long i = 1; i < size - 1; i++) {
            long a = base + i;
            String s = (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
            if (!s.equals(gateway)) {
                out.add(s);
            }
        }
        return out;
    }
}
