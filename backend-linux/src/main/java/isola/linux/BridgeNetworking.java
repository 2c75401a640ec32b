// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import isola.api.Capability;
import isola.api.MountSpec;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import isola.linux.net.BridgeAttachment;
import isola.linux.net.Cidr;
import isola.linux.net.LinuxBridge;
import isola.linux.ns.MountOp;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Network mode bridge from a spec: the address asked for, the claim, the /etc mounts. */
final class BridgeNetworking {
    private BridgeNetworking() {
    }

    static BridgeAttachment reserve(LinuxBridge bridge, SandboxSpec spec, java.nio.file.Path owner) {
        InetAddress v4 = null;
        InetAddress v6 = null;
        for (String text : spec.network().addresses()) {
            InetAddress a = Cidr.address(text);
            if (a instanceof Inet6Address ? v6 != null : v4 != null) {
                throw new SpecValidationException("network mode bridge takes one IPv4 and one IPv6 address at most, got "
                        + String.join(", ", spec.network().addresses()));
            }
            if (a instanceof Inet6Address) {
                v6 = a;
            } else {
                v4 = a;
            }
        }
        if (v6 != null) {
            v4 = fromIpv6(bridge, v6, v4);
        }
        return bridge.reserve(spec.id(), owner, spec.hostname(), v4, spec.network().ports());
    }

    /**
     * A sandbox's IPv6 address sits at the same offset in the IPv6 range as its IPv4 address in the
     * IPv4 range (10.88.0.7 and fd88::7), so asking for one is asking for both.
     */
    private static InetAddress fromIpv6(LinuxBridge bridge, InetAddress v6, InetAddress v4) {
        Cidr r6 = bridge.range6();
        if (r6 == null) {
            throw new UnsupportedCapabilityException(Capability.NETWORK_BRIDGE, "linux", "IPv6 address "
                    + Cidr.format(v6) + " requested, but " + bridge.ipv6Problem());
        }
        Cidr r4 = bridge.leases().range();
        if (!r6.contains(v6) || r6.offset(v6).compareTo(r4.size()) >= 0) {
            throw new SpecValidationException("address " + Cidr.format(v6) + " is outside the bridge's IPv6 range "
                    + r6 + " (the part that pairs with " + r4 + ")");
        }
        InetAddress paired = r4.at(r6.offset(v6));
        if (v4 != null && !v4.equals(paired)) {
            throw new SpecValidationException("addresses " + Cidr.format(v4) + " and " + Cidr.format(v6)
                    + " do not pair: the IPv6 address of " + Cidr.format(v4) + " is "
                    + Cidr.format(r6.at(r4.offset(v4))));
        }
        return paired;
    }

    /** The sandbox's /etc/hosts and /etc/resolv.conf, unless the spec mounts something there itself. */
    static List<MountOp> withEtcMounts(List<MountOp> planned, BridgeAttachment net, SandboxSpec spec) {
        List<MountOp> out = new ArrayList<>(planned);
        List<String> own = spec.mounts().stream().map(MountSpec::destination).toList();
        for (MountOp op : net.mounts(spec.root().directory())) {
            if (own.stream().noneMatch(d -> op.b().equals(d) || op.b().startsWith(d.endsWith("/") ? d : d + "/"))) {
                out.add(op);
            }
        }
        return out;
    }
}
