// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import isola.api.IsolationException;
import isola.api.PortMapping;
import isola.api.SpecValidationException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The host side of network mode bridge: a Linux bridge holding the range's gateway address,
 * created when its first sandbox connects and removed when its last one is gone, with an nftables
 * table {@code ip isola_<bridge>} that masquerades the range to the outside and DNATs published
 * ports (from other hosts in prerouting, from this host in output; {@code route_localnet} on the
 * bridge lets 127.0.0.1 reach them). Configured by the system properties {@code isola.linux.bridge}
 * (default {@code isola0}) and {@code isola.linux.bridge.subnet} (default {@code 10.88.0.0/16}).
 */
public final class LinuxBridge {
    /** Marks a bridge this code created, so that only such a bridge is ever removed. */
    private static final String CREATED = "created";
    /** The host's ip_forward before the bridge set it, restored when the bridge goes. */
    private static final String FORWARD = "forward.saved";
    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

    private final String name;
    private final AddressLeases leases;
    private final NetCommands commands;
    private final Path filesDir;
    private final Cidr range6;
    private final String ipv6Problem;

    /**
     * @param name the bridge interface
     * @param range its range
     * @param netDir the private state directory of bridge networking
     * @param commands ip and nft
     */
    public LinuxBridge(String name, Cidr range, Path netDir, NetCommands commands) {
        this(name, range, null, "IPv6 is off for this bridge", netDir, commands);
    }

    /**
     * @param name the bridge interface
     * @param range its IPv4 range
     * @param range6 its IPv6 range, or null for IPv4 only
     * @param ipv6Problem why there is no IPv6 range, when there is none
     * @param netDir the private state directory of bridge networking
     * @param commands ip and nft
     */
    public LinuxBridge(String name, Cidr range, Cidr range6, String ipv6Problem, Path netDir, NetCommands commands) {
        if (!name.matches("[A-Za-z0-9_.-]{1,15}") || name.equals(".") || name.equals("..")) {
            throw new SpecValidationException("invalid bridge name \"" + name + "\" (up to 15 letters, digits, '_', '.', '-')");
        }
        if (range.ipv6() || range.prefix() > 30 || range.prefix() < 8) {
            throw new SpecValidationException("the bridge range must be an IPv4 network from /8 to /30, got " + range);
        }
        if (range6 != null && (!range6.ipv6() || range6.prefix() > 120)) {
            throw new SpecValidationException("the bridge's IPv6 range must be an IPv6 network of /120 or larger, got "
                    + range6);
        }
        this.range6 = range6;
        this.ipv6Problem = range6 == null ? ipv6Problem : null;
        this.name = name;
        this.leases = new AddressLeases(netDir.resolve("bridge-" + name), range);
        this.commands = commands;
        this.filesDir = netDir.resolve("files");
    }

    /**
     * @param netDir the private state directory of bridge networking
     * @param commands ip and nft
     * @return the bridge the system properties configure
     */
    public static LinuxBridge fromProperties(Path netDir, NetCommands commands) {
        String v6 = System.getProperty("isola.linux.bridge.subnet6", "fd88::/64");
        String hostProblem = hostIpv6Problem(Path.of("/proc"));
        Cidr range6 = null;
        String problem = hostProblem;
        if (v6.equals("none")) {
            problem = "IPv6 is off for this bridge (isola.linux.bridge.subnet6=none)";
        } else if (hostProblem == null) {
            range6 = Cidr.parse(v6);
        }
        return new LinuxBridge(System.getProperty("isola.linux.bridge", "isola0"),
                Cidr.parse(System.getProperty("isola.linux.bridge.subnet", "10.88.0.0/16")), range6, problem, netDir, commands);
    }

    /**
     * @param proc where procfs is mounted
     * @return why this host has no IPv6, or null when it has
     */
    public static String hostIpv6Problem(Path proc) {
        if (!Files.exists(proc.resolve("net/if_inet6"))) {
            return "this host has no IPv6 (the kernel lacks it: " + proc.resolve("net/if_inet6") + " is missing)";
        }
        try {
            if (Files.readString(proc.resolve("sys/net/ipv6/conf/all/disable_ipv6")).strip().equals("1")) {
                return "this host has IPv6 disabled (net.ipv6.conf.all.disable_ipv6 is 1)";
            }
        } catch (IOException e) {
            return "this host's IPv6 state is unreadable: " + e.getMessage();
        }
        return null;
    }

    /** @return the IPv6 range, or null when the bridge is IPv4 only */
    public Cidr range6() {
        return range6;
    }

    /** @return why the bridge has no IPv6, or null when it has */
    public String ipv6Problem() {
        return ipv6Problem;
    }

    /** @return the interface name */
    public String name() {
        return name;
    }

    /** @return the address leases */
    public AddressLeases leases() {
        return leases;
    }

    NetCommands commands() {
        return commands;
    }

    /** @return the nftables table (family ip) of this bridge */
    String table() {
        return "isola_" + name.replace('-', '_').replace('.', '_');
    }

    /**
     * Claims an address and the published ports for a sandbox, and writes its /etc files. Nothing
     * is made in the kernel yet: that happens in {@link BridgeAttachment#connect}.
     *
     * @param id the sandbox id
     * @param owner the file whose lock says the sandbox is alive (its sandbox lease), for the sweep
     * @param hostname the sandbox's hostname
     * @param requested the address asked for, or null
     * @param ports the ports to publish
     * @return the claim; close it to give everything back
     */
    public BridgeAttachment reserve(String id, Path owner, String hostname, InetAddress requested, List<PortMapping> ports) {
        return leases.locked(() -> {
            List<String> lines = PublishedPorts.claim(leases.leases(), ports);
            InetAddress a = leases.lease(id, requested);
            BridgeAttachment att = new BridgeAttachment(this, id, a, ports, filesDir.resolve(id));
            try {
                List<String> all = new ArrayList<>();
                all.add("owner-lease " + owner.toAbsolutePath());
                all.add("veth " + att.veth());
                all.addAll(lines);
                leases.write(a, id, all);
                att.writeFiles(hostname);
                return att;
            } catch (RuntimeException e) {
                leases.release(a);
                att.deleteFiles();
                throw e;
            }
        });
    }

    /** Creates the bridge, its address and its NAT table unless they exist. Under the lock. */
    void ensure() {
        if (Files.isDirectory(Path.of("/sys/class/net", name))) {
            return;
        }
        Cidr r = leases.range();
        try {
            Files.writeString(leases.dir().resolve(CREATED), "", StandardCharsets.UTF_8);
            String v6 = range6 == null ? "" : "addr add " + range6.gateway().getHostAddress() + "/" + range6.prefix() + " dev "
                    + name + " nodad\n";
            commands.ip("link add " + name + " type bridge\naddr add " + r.gateway().getHostAddress() + "/" + r.prefix()
                    + " dev " + name + "\n" + v6 + "link set " + name + " up\n", "create bridge " + name);
            // loopback sources may be routed to the bridge (published ports reached at 127.0.0.1)
            Files.writeString(Path.of("/proc/sys/net/ipv4/conf", name, "route_localnet"), "1");
            commands.nft(natTable(), "create the NAT table of bridge " + name);
            Path saved = leases.dir().resolve(FORWARD);
            if (!Files.exists(saved)) {
                Files.writeString(saved, Files.readString(IP_FORWARD).strip(), StandardCharsets.UTF_8);
            }
            Files.writeString(IP_FORWARD, "1");
        } catch (IOException | RuntimeException e) {
            remove();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IsolationException("failed to set up bridge " + name + ": " + e.getMessage(), e);
        }
    }

    private String natTable() {
        String t = table();
        String range = leases.range().toString();
        String dnat = "fib daddr type local dnat ip to meta l4proto . th dport map @ports\n"
                + "    fib daddr type local dnat ip to ip daddr . meta l4proto . th dport map @hostports\n";
        return "table ip " + t + " {}\ndelete table ip " + t + "\n"
                + "table ip " + t + " {\n"
                + "  map ports { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"
                + "  map hostports { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }\n"
                + "  chain prerouting { type nat hook prerouting priority dstnat; policy accept;\n    " + dnat + "  }\n"
                + "  chain output { type nat hook output priority -100; policy accept;\n    " + dnat + "  }\n"
                + "  chain postrouting { type nat hook postrouting priority srcnat; policy accept;\n"
                + "    ip saddr " + range + " ip daddr != " + range + " masquerade\n"
                // a sandbox reaching another through a published port: the answer must come back through the host
                + "    ip saddr " + range + " ip daddr " + range + " ct status dnat masquerade\n"
                + "    oifname \"" + name + "\" ip saddr 127.0.0.0/8 masquerade\n  }\n}\n";
    }

    /** Removes the bridge, its table and the forwarding it turned on, if this code created it. Under the lock. */
    void remove() {
        Path created = leases.dir().resolve(CREATED);
        if (!Files.exists(created)) {
            return;
        }
        commands.nftQuiet("delete", "table", "ip", table());
        commands.deleteLink(name);
        try {
            Path saved = leases.dir().resolve(FORWARD);
            if (Files.exists(saved)) {
                Files.writeString(IP_FORWARD, Files.readString(saved).strip());
                Files.delete(saved);
            }
            Files.deleteIfExists(created);
        } catch (IOException e) {
            throw new IsolationException("failed to restore net.ipv4.ip_forward after removing bridge " + name + ": "
                    + e.getMessage(), e);
        }
    }

    /** Removes the bridge when no lease is left. Under the lock. */
    void removeIfUnused() {
        if (leases.leases().isEmpty()) {
            try {
                // with no sandbox left the round robin may start over: no namespace of ours holds an address
                Files.deleteIfExists(leases.dir().resolve(AddressLeases.NEXT));
            } catch (IOException e) {
                throw new IsolationException("cannot remove " + leases.dir().resolve(AddressLeases.NEXT) + ": "
                        + e.getMessage(), e);
            }
            remove();
        }
    }

    /**
     * Undoes what owners that died without closing left: their veths, published ports, leases and
     * files, then the bridge if nobody uses it.
     *
     * @param live whether a sandbox lease file (from the {@code owner-lease} line) is held by a live
     *     sandbox; the leases of every runtime directory share the one bridge
     * @return the ids swept
     */
    public List<String> sweep(Predicate<Path> live) {
        if (!Files.isDirectory(leases.dir())) {
            return List.of();
        }
        return leases.locked(() -> {
            List<String> swept = new ArrayList<>();
            for (AddressLeases.Lease l : leases.leases()) {
                Path owner = l.lines().stream().filter(x -> x.startsWith("owner-lease ")).map(x -> Path.of(x.substring(12)))
                        .findFirst().orElse(null);
                if (owner != null && live.test(owner)) {
                    continue;
                }
                BridgeAttachment.undo(this, l);
                leases.release(l.address());
                BridgeAttachment.deleteTree(filesDir.resolve(l.owner()));
                swept.add(l.owner());
            }
            removeIfUnused();
            return swept;
        });
    }
}
