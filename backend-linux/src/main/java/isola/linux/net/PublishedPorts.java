// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import isola.api.IsolationException;
import isola.api.PortMapping;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Published ports: the lease record lines ({@code port PROTO HOSTIP HOSTPORT SANDBOXPORT}, HOSTIP
 * {@code 0.0.0.0} for every address), the conflict checks, and the nftables map elements that
 * DNAT them.
 */
final class PublishedPorts {
    private static final String ANY = "0.0.0.0";

    private PublishedPorts() {
    }

    /**
     * Checks that no sandbox of the bridge publishes a port again and that no host socket holds it.
     *
     * @param existing the bridge's leases
     * @param ports the ports to publish
     * @return their record lines
     * @throws IsolationException on a conflict
     */
    static List<String> claim(List<AddressLeases.Lease> existing, List<PortMapping> ports) {
        List<String> lines = new ArrayList<>();
        List<String[]> taken = new ArrayList<>();
        for (AddressLeases.Lease l : existing) {
            for (String line : l.lines()) {
                if (line.startsWith("port ")) {
                    String[] f = line.split(" ");
                    taken.add(new String[] {f[1], f[2], f[3], l.owner()});
                }
            }
        }
        for (PortMapping p : ports) {
            String ip = hostIp(p);
            if (ip.indexOf(':') >= 0) {
                throw new IsolationException("cannot publish host port " + describe(p) + ": ports are published on IPv4 "
                        + "host addresses only in this version");
            }
            for (String[] t : taken) {
                if (t[0].equals(p.protocol()) && t[2].equals(Integer.toString(p.hostPort()))
                        && (t[1].equals(ANY) || ip.equals(ANY) || t[1].equals(ip))) {
                    String by = t[3] == null ? "this sandbox" : "sandbox " + t[3];
                    throw new IsolationException("host port " + describe(p) + " is already published by " + by);
                }
            }
            checkFree(p, ip);
            taken.add(new String[] {p.protocol(), ip, Integer.toString(p.hostPort()), null});
            lines.add("port " + p.protocol() + " " + ip + " " + p.hostPort() + " " + p.sandboxPort());
        }
        return lines;
    }

    private static String hostIp(PortMapping p) {
        return p.hostIp() == null || p.hostIp().isEmpty() ? ANY : Cidr.address(p.hostIp()).getHostAddress();
    }

    private static String describe(PortMapping p) {
        return (p.hostIp() == null ? "" : p.hostIp() + ":") + p.hostPort() + "/" + p.protocol();
    }

    /** A host process listening there would lose its traffic to the sandbox: refuse instead. */
    private static void checkFree(PortMapping p, String ip) {
        InetSocketAddress at;
        try {
            at = new InetSocketAddress(InetAddress.getByName(ip), p.hostPort());
        } catch (IOException e) {
            throw new IsolationException("invalid host address " + ip);
        }
        try {
            if (p.protocol().equals("udp")) {
                try (DatagramSocket s = new DatagramSocket(null)) {
                    s.bind(at);
                }
            } else {
                try (ServerSocket s = new ServerSocket()) {
                    s.setReuseAddress(true);
                    s.bind(at);
                }
            }
        } catch (java.net.BindException e) {
            String why = e.getMessage() != null && e.getMessage().contains("assign") ? ip + " is not an address of this host"
                    : "a process on the host listens on it";
            throw new IsolationException("cannot publish host port " + describe(p) + ": " + why);
        } catch (IOException e) {
            throw new IsolationException("cannot publish host port " + describe(p) + ": " + e.getMessage());
        }
    }

    /**
     * @param table the bridge's nftables table
     * @param verb {@code add} or {@code delete}
     * @param sandbox the sandbox's address
     * @param lines record lines
     * @return the nft script, empty when there is no port
     */
    static String elements(String table, String verb, InetAddress sandbox, List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            if (!line.startsWith("port ")) {
                continue;
            }
            String[] f = line.split(" ");
            String value = verb.equals("add") ? " : " + sandbox.getHostAddress() + " . " + f[4] : "";
            if (f[2].equals(ANY)) {
                b.append(verb).append(" element ip ").append(table).append(" ports { ").append(f[1]).append(" . ")
                        .append(f[3]).append(value).append(" }\n");
            } else {
                b.append(verb).append(" element ip ").append(table).append(" hostports { ").append(f[2]).append(" . ")
                        .append(f[1]).append(" . ").append(f[3]).append(value).append(" }\n");
            }
        }
        return b.toString();
    }
}
