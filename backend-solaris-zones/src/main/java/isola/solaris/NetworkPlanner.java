// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.Capability;
import isola.api.IsolationException;
import isola.api.NetworkSpec;
import isola.api.PortMapping;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import isola.spi.HostCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the sandbox network onto zones (the reference's §5): {@code none} is an exclusive-IP stack
 * with no datalink (loopback only); {@code addresses} is a shared-IP zone with one {@code net} per
 * address on the global-zone interface whose subnet holds it; {@code bridge} is an exclusive-IP
 * zone with its own VNIC on isola's etherstub, {@code allowed-address} (address fixed, spoofing
 * blocked) and the gateway as default router, with ipnat {@code map} rules for NAT and {@code rdr}
 * rules for published ports. {@code host} and {@code join} do not exist for zones and fail closed.
 */
final class NetworkPlanner {
    private NetworkPlanner() {
    }

    /**
     * A decided network: what goes into the zone's configuration, and what the host does around it.
     *
     * @param zone the zone's network resources
     * @param setup the host side
     */
    record Plan(ZoneNetwork zone, ZoneNetworkSetup setup) {
    }

    /**
     * Checks a network that needs nothing from the host's state (before any side effect).
     *
     * @param net the network
     */
    static void check(NetworkSpec net) {
        String b = SolarisZonesBackend.NAME;
        switch (net.mode()) {
            case HOST -> throw new UnsupportedCapabilityException(Capability.NETWORK_HOST, b,
                    "a zone always has its own addresses (shared-IP) or its own IP stack (exclusive-IP); "
                            + "give the sandbox host addresses with network mode addresses");
            case JOIN -> throw new UnsupportedCapabilityException(Capability.NETWORK_JOIN, b,
                    "a datalink belongs to one zone and there is no per-process network inside a zone; run the processes in one sandbox");
            default -> {
            }
        }
    }

    /**
     * Mode addresses: one shared-IP {@code net} per address.
     *
     * @param addresses the sandbox's addresses (with or without a prefix)
     * @param ipadm {@code ipadm show-addr -p -o addrobj,addr} of the global zone
     * @return the zone's network
     */
    static ZoneNetwork addresses(List<String> addresses, String ipadm) {
        List<ZoneConfig.Net> nets = new ArrayList<>();
        List<String[]> ifs = interfaces(ipadm);
        for (String a : addresses) {
            String addr = a.contains("/") ? a.substring(0, a.indexOf('/')) : a;
            if (addr.contains(":")) {
                throw new UnsupportedCapabilityException(Capability.NETWORK_ADDRESSES, SolarisZonesBackend.NAME,
                        "isola maps IPv4 addresses to shared-IP zones; " + a + " is IPv6");
            }
            long v;
            try {
                v = ZonesBridge.v4(addr);
            } catch (IllegalArgumentException e) {
                throw new SpecValidationException("address \"" + a + "\" is not an IPv4 address");
            }
            String physical = null;
            int prefix = 0;
            for (String[] i : ifs) {
                int p = Integer.parseInt(i[2]);
                long mask = p == 0 ? 0 : 0xffffffffL << (32 - p) & 0xffffffffL;
                if (!i[0].startsWith("lo") && (ZonesBridge.v4(i[1]) & mask) == (v & mask)) {
                    if (ZonesBridge.v4(i[1]) == v) {
                        throw new SpecValidationException("address " + addr + " is already the global zone's (" + i[0]
                                + "); a shared-IP zone brings up addresses of its own on the host's interface");
                    }
                    physical = i[0];
                    prefix = p;
                }
            }
            if (physical == null) {
                throw new SpecValidationException("no interface of the global zone is in a subnet holding " + addr
                        + " (ipadm show-addr); a shared-IP zone's address goes on such an interface");
            }
            nets.add(new ZoneConfig.Net(physical, addr + "/" + (a.contains("/") ? a.substring(a.indexOf('/') + 1) : prefix), null, null));
        }
        return new ZoneNetwork(ZoneConfig.IpType.SHARED, nets, List.of());
    }

    /**
     * @param ipadm {@code ipadm show-addr -p -o addrobj,addr}: {@code e1000g0/v4:10.0.2.15/24}, IPv6
     *     colons escaped with a backslash
     * @return {interface, address, prefix} of each IPv4 address
     */
    static List<String[]> interfaces(String ipadm) {
        List<String[]> out = new ArrayList<>();
        for (String l : ipadm.split("\n")) {
            int colon = l.indexOf(':');
            if (colon < 0 || l.contains("\\:")) {
                continue; // blank, or IPv6
            }
            String obj = l.substring(0, colon);
            String addr = l.substring(colon + 1);
            int slash = addr.indexOf('/');
            if (obj.indexOf('/') < 0 || slash < 0) {
                continue;
            }
            out.add(new String[] {obj.substring(0, obj.indexOf('/')), addr.substring(0, slash), addr.substring(slash + 1)});
        }
        return out;
    }

    /**
     * Mode bridge.
     *
     * @param zone the zone
     * @param net the network
     * @param bridge the host's bridge
     * @param anet whether to use an {@code anet} (Oracle Solaris) rather than a VNIC isola makes
     * @param leases the address lease directory
     * @param host the tools
     * @return the plan; its setup leases the address and makes the VNIC and the ipnat rules
     */
    static Plan bridge(String zone, NetworkSpec net, ZonesBridge bridge, boolean anet, Path leases, HostCommands host) {
        if (!net.ports().isEmpty() && bridge.egress() == null) {
            throw new SpecValidationException("published ports need an egress interface: the host has no default route; "
                    + "set -Disola.zones.egress=LINK");
        }
        if (net.addresses().size() > 1) {
            throw new SpecValidationException("a bridged zone has one address, got " + net.addresses());
        }
        String wanted = net.addresses().isEmpty() ? null : net.addresses().get(0);
        if (wanted != null && (wanted.contains(":") || !bridge.contains(wanted.replaceAll("/.*", "")))) {
            throw new SpecValidationException("address " + wanted + " is not in the bridge's subnet " + bridge.gateway() + "/" + bridge.prefix());
        }
        String vnic = ZoneNames.vnic(zone);
        String address = lease(leases, zone, wanted == null ? null : wanted.replaceAll("/.*", ""), bridge);
        String cidr = address + "/" + bridge.prefix();
        ZoneNetwork zn = anet
                ? new ZoneNetwork(ZoneConfig.IpType.EXCLUSIVE, List.of(), List.of(new ZoneConfig.Anet("net0", bridge.etherstub(), cidr, bridge.gateway())))
                : new ZoneNetwork(ZoneConfig.IpType.EXCLUSIVE, List.of(new ZoneConfig.Net(vnic, null, cidr, bridge.gateway())), List.of());
        List<String> rules = natRules(bridge, address, net.ports());
        Path leaseFile = leases.resolve(address);
        ZoneNetworkSetup setup = new ZoneNetworkSetup() {
            @Override
            public void before(ZoneRecord record) {
                record.add(ZoneUndo.of(ZoneUndo.Kind.FILE, leaseFile.toString()));
                if (!anet) {
                    record.add(ZoneUndo.of(ZoneUndo.Kind.VNIC, vnic));
                    ZoneAdmin.check(host.run(Dladm.DLADM, "create-vnic", "-l", bridge.etherstub(), vnic));
                }
            }

            @Override
            public void after(ZoneRecord record) {
                if (!rules.isEmpty()) {
                    record.add(new ZoneUndo(ZoneUndo.Kind.IPNAT, rules));
                    ZoneAdmin.check(host.run(List.of(Ipnat.IPNAT, "-f", "-"), String.join("\n", rules) + "\n", HostCommands.DEFAULT_TIMEOUT));
                }
            }
        };
        return new Plan(zn, setup);
    }

    /**
     * ipnat(5) rules for one sandbox: outbound NAT to the egress interface's address ({@code 0/32}),
     * with port mapping for TCP/UDP, and one {@code rdr} per published port.
     */
    static List<String> natRules(ZonesBridge bridge, String address, List<PortMapping> ports) {
        List<String> r = new ArrayList<>();
        if (bridge.egress() == null) {
            return r;
        }
        r.add("map " + bridge.egress() + " " + address + "/32 -> 0/32 portmap tcp/udp auto");
        r.add("map " + bridge.egress() + " " + address + "/32 -> 0/32");
        for (PortMapping p : ports) {
            String from = p.hostIp() == null || p.hostIp().isEmpty() ? "0.0.0.0/0" : p.hostIp() + "/32";
            r.add("rdr " + bridge.egress() + " " + from + " port " + p.hostPort() + " -> " + address + " port " + p.sandboxPort() + " " + p.protocol());
        }
        return r;
    }

    /**
     * Claims an address with a lease file made with O_EXCL (host-wide, shared by every isola
     * process), holding the zone's name. The zone's record already exists; the setup records the
     * lease's removal, and {@link #sweepLeases} removes a lease whose zone has no record (a crash
     * between the two).
     */
    static String lease(Path leases, String zone, String wanted, ZonesBridge bridge) {
        List<String> candidates = wanted != null ? List.of(wanted) : bridge.candidates();
        for (String a : candidates) {
            try {
                Files.writeString(leases.resolve(a), zone + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return a;
            } catch (FileAlreadyExistsException taken) {
                // next
            } catch (IOException e) {
                throw new IsolationException("cannot write the address lease " + leases.resolve(a) + ": " + e, e);
            }
        }
        throw new IsolationException(wanted != null ? "address " + wanted + " is in use by another sandbox"
                : "no free address left in " + bridge.gateway() + "/" + bridge.prefix());
    }

    /**
     * @param leases the lease directory
     * @param records the records' directory
     * @return the leases removed: those whose zone has no record any more
     */
    static List<String> sweepLeases(Path leases, Path records) {
        List<String> removed = new ArrayList<>();
        try (var s = Files.list(leases)) {
            for (Path l : s.sorted().toList()) {
                String zone = Files.readString(l, StandardCharsets.UTF_8).strip();
                if (!ZoneNames.isSandboxZone(zone) || !Files.exists(records.resolve(zone))) {
                    Files.deleteIfExists(l);
                    removed.add(l.getFileName().toString());
                }
            }
        } catch (IOException e) {
            // nothing leased yet
        }
        return removed;
    }
}
