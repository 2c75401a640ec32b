// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.util.Locale;

/** How a sandbox reaches the network. */
public enum NetworkMode {
    /** Own network stack with loopback only (the default). */
    NONE,
    /** The host's network stack. */
    HOST,
    /** Own stack bridged to the host, with an address, NAT and published ports. */
    BRIDGE,
    /** The network of another live sandbox (a pod). */
    JOIN,
    /** The host's stack restricted to given addresses (FreeBSD ip4.addr, zones shared-IP). */
    ADDRESSES;

    /**
     * @param text {@code none}, {@code host}, {@code bridge}, {@code join} or {@code addresses}
     * @return the mode
     */
    public static NetworkMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SpecValidationException("unknown network mode \"" + text + "\" (expected none, host, bridge, join or addresses)");
        }
    }
}
