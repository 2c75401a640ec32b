// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import isola.linux.ns.RootfsPaths;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The /etc/hosts and /etc/resolv.conf a bridged sandbox sees: its own name and address, the host
 * reachable as {@code host.isola.internal}, and the host's resolvers except loopback ones (a
 * resolver on the host's 127.0.0.x cannot be reached from the sandbox's own loopback).
 */
final class SandboxEtc {
    static final String HOST_NAME = "host.isola.internal";

    private SandboxEtc() {
    }

    static String hosts(String hostname, InetAddress self, InetAddress gateway, InetAddress self6, InetAddress gateway6) {
        String name = hostname == null || hostname.isEmpty() ? "sandbox" : hostname;
        StringBuilder b = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        b.append(Cidr.format(self)).append('\t').append(name).append('\n');
        if (self6 != null) {
            b.append(Cidr.format(self6)).append('\t').append(name).append('\n');
        }
        b.append(Cidr.format(gateway)).append('\t').append(HOST_NAME).append('\n');
        if (gateway6 != null) {
            b.append(Cidr.format(gateway6)).append('\t').append(HOST_NAME).append('\n');
        }
        return b.toString();
    }

    static String resolvConf() {
        String host;
        try {
            host = Files.readString(Path.of("/etc/resolv.conf"));
        } catch (IOException e) {
            host = "";
        }
        return resolvConf(host);
    }

    /**
     * @param host the host's resolv.conf
     * @return the sandbox's: the same without loopback nameservers
     */
    static String resolvConf(String host) {
        StringBuilder b = new StringBuilder("# written by isola for a bridged sandbox\n");
        for (String line : host.split("\n")) {
            String t = line.strip();
            if (t.startsWith("nameserver")) {
                String[] f = t.split("\\s+");
                if (f.length < 2 || f[1].startsWith("127.") || f[1].equals("::1")) {
                    continue;
                }
            }
            if (!t.isEmpty() && !t.startsWith("#")) {
                b.append(t).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * @param root the sandbox's root directory, null for the host's
     * @param inside a path such as /etc/hosts
     * @return the path, with symlinks resolved inside the root, to mount over; null when the root
     *     has no such regular file
     */
    static String target(Path root, String inside) {
        Path r = root == null ? Path.of("/") : root;
        Path resolved = RootfsPaths.resolve(r, inside);
        if (!Files.isRegularFile(resolved)) {
            return null;
        }
        return "/" + r.relativize(resolved);
    }
}
