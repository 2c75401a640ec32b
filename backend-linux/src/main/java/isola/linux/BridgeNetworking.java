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

    static BridgeAttachment reserve(LinuxBridge bridge, SandboxSpec spec) {
        InetAddress requested = null;
        for (String text : spec.network().addresses()) {
            InetAddress a = Cidr.address(text);
            if (a instanceof Inet6Address) {
                throw new UnsupportedCapabilityException(Capability.NETWORK_BRIDGE, "linux", ipv6Problem(a));
            }
            if (requested != null) {
                throw new SpecValidationException("network mode bridge takes one IPv4 address, got "
                        + String.join(", ", spec.network().addresses()));
            }
            requested = a;
        }
        return bridge.reserve(spec.id(), spec.hostname(), requested, spec.network().ports());
    }

    /** Fail closed on IPv6: say whether the host lacks it or isola does. */
    static String ipv6Problem(InetAddress a) {
        String disabled;
        try {
            disabled = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6")).strip();
        } catch (java.io.IOException e) {
            disabled = null;
        }
        if (disabled == null || disabled.equals("1")) {
            return "IPv6 address " + a.getHostAddress() + " requested, but this host has no IPv6 (the kernel lacks it or "
                    + "net.ipv6.conf.all.disable_ipv6 is 1)";
        }
        return "IPv6 address " + a.getHostAddress() + " requested, but isola's Linux bridge gives sandboxes IPv4 addresses "
                + "only in this version";
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
