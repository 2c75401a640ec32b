// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.util.List;

/**
 * The sandbox's network.
 *
 * @param mode the mode
 * @param addresses for {@link NetworkMode#BRIDGE}: the sandbox's address (empty: allocated); for
 *     {@link NetworkMode#ADDRESSES}: the host addresses the sandbox may use
 * @param ports ports published from the host ({@link NetworkMode#BRIDGE} only)
 * @param joinSandbox the id of the sandbox whose network to share ({@link NetworkMode#JOIN} only)
 */
public record NetworkSpec(NetworkMode mode, List<String> addresses, List<PortMapping> ports, String joinSandbox) {
    /** Loopback only. */
    public static final NetworkSpec NONE = new NetworkSpec(NetworkMode.NONE, List.of(), List.of(), null);
    /** The host's network. */
    public static final NetworkSpec HOST = new NetworkSpec(NetworkMode.HOST, List.of(), List.of(), null);

    /** Validates. */
    public NetworkSpec {
        addresses = List.copyOf(addresses == null ? List.of() : addresses);
        ports = List.copyOf(ports == null ? List.of() : ports);
        if (mode == null) {
            throw new SpecValidationException("network mode is missing");
        }
        if (!ports.isEmpty() && mode != NetworkMode.BRIDGE) {
            throw new SpecValidationException("published ports need network mode bridge, not " + mode.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (mode == NetworkMode.JOIN && (joinSandbox == null || joinSandbox.isEmpty())) {
            throw new SpecValidationException("network mode join needs the id of the sandbox to join");
        }
        if (mode != NetworkMode.JOIN && joinSandbox != null) {
            throw new SpecValidationException("a sandbox to join is only meaningful with network mode join");
        }
        if (mode == NetworkMode.ADDRESSES && addresses.isEmpty()) {
            throw new SpecValidationException("network mode addresses needs at least one address");
        }
        if (!addresses.isEmpty() && mode != NetworkMode.ADDRESSES && mode != NetworkMode.BRIDGE) {
            throw new SpecValidationException("addresses are only meaningful with network mode bridge or addresses");
        }
    }

    /**
     * @param mode none or host
     * @return a spec with no addresses or ports
     */
    public static NetworkSpec of(NetworkMode mode) {
        return new NetworkSpec(mode, List.of(), List.of(), null);
    }
}
