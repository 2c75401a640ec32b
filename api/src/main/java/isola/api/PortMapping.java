// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.util.Locale;

/**
 * A port published from the host to a bridged sandbox, as {@code -p [HOSTIP:]HOSTPORT:PORT[/tcp|udp]}.
 *
 * @param hostIp the host address to listen on, null for all
 * @param hostPort the host port
 * @param sandboxPort the port inside the sandbox
 * @param protocol {@code tcp} or {@code udp}
 */
public record PortMapping(String hostIp, int hostPort, int sandboxPort, String protocol) {
    /** Validates. */
    public PortMapping {
        checkPort(hostPort);
        checkPort(sandboxPort);
        protocol = protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new SpecValidationException("published port protocol must be tcp or udp, got \"" + protocol + "\"");
        }
    }

    private static void checkPort(int p) {
        if (p < 1 || p > 65535) {
            throw new SpecValidationException("port must be between 1 and 65535, got " + p);
        }
    }

    /**
     * @param text {@code [HOSTIP:]HOSTPORT:PORT[/tcp|udp]}
     * @return the mapping
     */
    public static PortMapping parse(String text) {
        String proto = "tcp";
        String s = text;
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            proto = s.substring(slash + 1);
            s = s.substring(0, slash);
        }
        int last = s.lastIndexOf(':');
        if (last < 0) {
            throw new SpecValidationException("published port must be [HOSTIP:]HOSTPORT:PORT[/tcp|udp], got \"" + text + "\"");
        }
        String inner = s.substring(last + 1);
        String rest = s.substring(0, last);
        String ip = null;
        String hostPort = rest;
        int prev = rest.lastIndexOf(':');
        if (prev >= 0) {
            ip = rest.substring(0, prev);
            hostPort = rest.substring(prev + 1);
        }
        try {
            return new PortMapping(ip, Integer.parseInt(hostPort), Integer.parseInt(inner), proto);
        } catch (NumberFormatException e) {
            throw new SpecValidationException("published port must be [HOSTIP:]HOSTPORT:PORT[/tcp|udp], got \"" + text + "\"");
        }
    }
}
