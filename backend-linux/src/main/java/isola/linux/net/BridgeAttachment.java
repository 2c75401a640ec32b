// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import isola.api.IsolationException;
import isola.api.PortMapping;
import isola.linux.ns.MountOp;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * One sandbox on the bridge: its leased address and ports, its veth pair (host end
 * {@code iv<address in hex>}, sandbox end {@code eth0}), its DNAT elements, and its /etc/hosts and
 * /etc/resolv.conf. Closing gives everything back, whatever was reached.
 */
public final class BridgeAttachment implements AutoCloseable {
    private final LinuxBridge bridge;
    private final String id;
    private final InetAddress address;
    private final List<String> portLines;
    private final Path files;
    private boolean connected;
    private boolean published;
    private boolean closed;

    BridgeAttachment(LinuxBridge bridge, String id, InetAddress address, List<PortMapping> ports, Path files) {
        this.bridge = bridge;
        this.id = id;
        this.address = address;
        List<String> lines = new ArrayList<>();
        for (PortMapping p : ports) {
            String ip = p.hostIp() == null ? "0.0.0.0" : Cidr.address(p.hostIp()).getHostAddress();
            lines.add("port " + p.protocol() + " " + ip + " " + p.hostPort() + " " + p.sandboxPort());
        }
        this.portLines = lines;
        this.files = files;
    }

    /** @return the sandbox's address */
    public InetAddress address() {
        return address;
    }

    /** @return the bridge's address, the sandbox's default gateway */
    public InetAddress gateway() {
        return bridge.leases().range().gateway();
    }

    /** @return the prefix length of the range */
    public int prefix() {
        return bridge.leases().range().prefix();
    }

    /** @return the sandbox's IPv6 address (at the same offset in the IPv6 range), or null without IPv6 */
    public InetAddress address6() {
        Cidr r6 = bridge.range6();
        return r6 == null ? null : r6.at(bridge.leases().range().offset(address));
    }

    /** @return the bridge's IPv6 address, or null */
    public InetAddress gateway6() {
        return bridge.range6() == null ? null : bridge.range6().gateway();
    }

    /** @return the prefix length of the IPv6 range */
    public int prefix6() {
        return bridge.range6() == null ? 0 : bridge.range6().prefix();
    }

    /** @return the host end of the veth pair */
    public String veth() {
        return "iv" + HexFormat.of().formatHex(address.getAddress());
    }

    void writeFiles(String hostname) {
        try {
            Files.createDirectories(files);
            Files.writeString(files.resolve("hosts"), SandboxEtc.hosts(hostname, address, gateway(), address6(), gateway6()),
                    StandardCharsets.UTF_8);
            Files.writeString(files.resolve("resolv.conf"), SandboxEtc.resolvConf(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IsolationException("cannot write the network files of sandbox " + id + " in " + files + ": "
                    + e.getMessage(), e);
        }
    }

    void deleteFiles() {
        deleteTree(files);
    }

    /**
     * @param root the sandbox's root directory, or null for the host's root
     * @return bind mounts of the sandbox's /etc/hosts and /etc/resolv.conf over the root's files
     *     (read-only, and only where the root has the file: a root is never written to)
     */
    public List<MountOp> mounts(Path root) {
        List<MountOp> ops = new ArrayList<>();
        for (String name : new String[] {"hosts", "resolv.conf"}) {
            String target = SandboxEtc.target(root, "/etc/" + name);
            if (target != null) {
                ops.add(MountOp.bind(files.resolve(name).toString(), target, true, false));
            }
        }
        return ops;
    }

    /**
     * Plugs the sandbox in while its init holds: the bridge if it is missing, the veth pair with
     * its sandbox end moved into the init's network namespace, the DNAT of its ports. What a
     * failed step leaves is undone by {@link #close}, which the sandbox's teardown calls.
     *
     * @param initPid the host pid of the sandbox's init
     */
    public void connect(long initPid) {
        NetCommands c = bridge.commands();
        bridge.leases().locked(() -> {
            bridge.ensure();
            return null;
        });
        connected = true;
        // a closed sandbox's pair of the same name may still be on its way out with its namespace
        awaitGone(veth());
        // one rtnetlink request, not ip(8): docs/network.md has the measurements
        RtNetlink.send(RtNetlink.newVeth(veth(), "eth0", initPid, bridge.name()),
                "connect sandbox " + id + " to bridge " + bridge.name() + " (veth " + veth() + ")");
        String add = PublishedPorts.elements(bridge.table(), "add", address, portLines);
        if (!add.isEmpty()) {
            c.nft(add, "publish the ports of sandbox " + id);
            published = true;
        }
    }

    /**
     * Disconnects: the DNAT elements, the lease, the files, and the bridge if it was the last
     * sandbox. The veth pair is not deleted here: the kernel destroys it with the sandbox's network
     * namespace, which is already dying (its init has exited); deleting it first would cost two RCU
     * grace periods (about 20 ms here) for nothing. The address is not handed out again at once
     * (round robin), and a sandbox that asks for it waits for the old pair to be gone.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        bridge.leases().locked(() -> {
            if (published) {
                // one transaction for all of them: they were added together
                String del = PublishedPorts.elements(bridge.table(), "delete", address, portLines);
                try {
                    bridge.commands().nft(del, "unpublish the ports of sandbox " + id);
                } catch (IsolationException partly) {
                    undo(bridge, new AddressLeases.Lease(address, id, portLines));
                }
            }
            bridge.leases().release(address);
            deleteFiles();
            bridge.removeIfUnused();
            return null;
        });
    }

    /** Waits up to 2 s for the kernel to destroy a veth whose namespace died, then deletes it. */
    private void awaitGone(String name) {
        Path p = Path.of("/sys/class/net", name);
        long deadline = System.nanoTime() + 2_000_000_000L;
        long sleep = 100_000;
        while (Files.exists(p) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(sleep);
            sleep = Math.min(sleep * 2, 20_000_000);
        }
        bridge.commands().deleteLink(name);
    }

    /** Removes what a lease's record lists: the veth and the DNAT elements. Under the lock. */
    static void undo(LinuxBridge bridge, AddressLeases.Lease l) {
        for (String line : l.lines()) {
            if (line.startsWith("veth ")) {
                bridge.commands().deleteLink(line.substring(5));
            }
        }
        String del = PublishedPorts.elements(bridge.table(), "delete", l.address(), l.lines());
        if (!del.isEmpty()) {
            // each element alone: one that was never added must not keep the others
            for (String one : del.split("\n")) {
                bridge.commands().nftQuiet(one.split(" "));
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new IsolationException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
