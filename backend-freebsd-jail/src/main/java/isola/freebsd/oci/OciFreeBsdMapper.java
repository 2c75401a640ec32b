// SPDX-License-Identifier: Apache-2.0
package isola.freebsd.oci;

import com.fasterxml.jackson.databind.JsonNode;
import isola.api.FreeBsdOptions;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.SpecValidationException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps the {@code freebsd} section of an OCI runtime-spec config.json (config-freebsd.md, v1.3.0)
 * onto isola's {@link FreeBsdOptions} and {@link NetworkSpec}. What isola cannot honour exactly
 * (host=inherit, SysV IPC other than new, moving host interfaces into a vnet, extra device nodes,
 * no network at all) is refused with the field's name, never approximated.
 */
public final class OciFreeBsdMapper {
    private static final Map<String, String> ALLOW = Map.of("setHostname", "set_hostname", "rawSockets", "raw_sockets",
            "chflags", "chflags", "quotas", "quotas", "socketAf", "socket_af", "mlock", "mlock",
            "reservedPorts", "reserved_ports", "suser", "suser");
    private static final Set<String> KNOWN_JAIL = Set.of("parent", "host", "ip4", "ip6", "ip4Addr", "ip6Addr", "vnet",
            "interface", "vnetInterfaces", "sysvmsg", "sysvsem", "sysvshm", "enforceStatfs", "allow");

    /**
     * The mapping.
     *
     * @param options jail options
     * @param network the network
     */
    public record Result(FreeBsdOptions options, NetworkSpec network) {
    }

    private OciFreeBsdMapper() {
    }

    /**
     * @param freebsd the {@code freebsd} object of config.json, or null/missing
     * @return options and network
     * @throws SpecValidationException naming the field that cannot be honoured
     */
    public static Result map(JsonNode freebsd) {
        if (freebsd == null || freebsd.isNull() || freebsd.isMissingNode()) {
            return new Result(FreeBsdOptions.DEFAULT, NetworkSpec.NONE);
        }
        JsonNode devices = freebsd.path("devices");
        if (devices.isArray() && devices.size() > 0) {
            throw new SpecValidationException("freebsd.devices is not supported yet: extra device nodes need a per-sandbox "
                    + "devfs ruleset; the jail's /dev has ruleset 4 (devfsrules_jail)");
        }
        JsonNode jail = freebsd.path("jail");
        for (Iterator<String> it = jail.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!KNOWN_JAIL.contains(f)) {
                throw new SpecValidationException("unknown field freebsd.jail." + f);
            }
        }
        String host = text(jail, "host");
        if (host != null && !host.equals("new")) {
            throw new SpecValidationException("freebsd.jail.host \"" + host + "\" is not supported: isola gives every jail its own hostname (new)");
        }
        for (String s : List.of("sysvmsg", "sysvsem", "sysvshm")) {
            String v = text(jail, s);
            if (v != null && !v.equals("new")) {
                throw new SpecValidationException("freebsd.jail." + s + " \"" + v + "\" is not supported: isola gives every jail private SysV IPC (new)");
            }
        }
        int enforce = jail.path("enforceStatfs").asInt(2);
        Set<String> allow = allow(jail.path("allow"));
        String parent = text(jail, "parent");
        String iface = text(jail, "interface");
        return new Result(new FreeBsdOptions(enforce, allow, 4, parent, null, iface), network(jail));
    }

    private static NetworkSpec network(JsonNode jail) {
        String vnet = text(jail, "vnet");
        String ip4 = text(jail, "ip4");
        String ip6 = text(jail, "ip6");
        List<String> addrs = new ArrayList<>();
        jail.path("ip4Addr").forEach(a -> addrs.add(a.asText()));
        jail.path("ip6Addr").forEach(a -> addrs.add(a.asText()));
        if (jail.path("vnetInterfaces").size() > 0) {
            throw new SpecValidationException("freebsd.jail.vnetInterfaces is not supported yet: use isola's bridge network");
        }
        if (vnet != null && !vnet.equals("new") && !vnet.equals("inherit")) {
            throw new SpecValidationException("freebsd.jail.vnet must be new or inherit, got \"" + vnet + "\"");
        }
        if ("new".equals(vnet)) {
            if (!addrs.isEmpty() || ip4 != null || ip6 != null) {
                throw new SpecValidationException("freebsd.jail.vnet new takes no ip4/ip6 settings (the spec leaves them unset)");
            }
            return NetworkSpec.NONE;
        }
        if (!addrs.isEmpty()) {
            return new NetworkSpec(NetworkMode.ADDRESSES, addrs, List.of(), null);
        }
        if ("inherit".equals(ip4) || "inherit".equals(ip6)) {
            if ("disable".equals(ip4) || "disable".equals(ip6)) {
                throw new SpecValidationException("freebsd.jail inheriting one address family and disabling the other is not supported");
            }
            return NetworkSpec.HOST;
        }
        if ("disable".equals(ip4) && "disable".equals(ip6)) {
            throw new SpecValidationException("freebsd.jail.ip4 and ip6 disable (no sockets at all, not even loopback) is not "
                    + "supported; use vnet new for a loopback-only network");
        }
        // vnet inherit or nothing said: the jail shares its parent's (the host's) stack
        return NetworkSpec.HOST;
    }

    private static Set<String> allow(JsonNode a) {
        Set<String> out = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("mount")) {
                if (e.getValue().size() > 0) {
                    out.add("mount");
                }
                e.getValue().forEach(fs -> {
                    if (!fs.asText().matches("[a-z0-9]+")) {
                        throw new SpecValidationException("freebsd.jail.allow.mount has an invalid filesystem \"" + fs.asText() + "\"");
                    }
                    out.add("mount." + fs.asText());
                });
                continue;
            }
            String param = ALLOW.get(e.getKey());
            if (param == null) {
                throw new SpecValidationException("unknown field freebsd.jail.allow." + e.getKey());
            }
            // a "no" name clears a permission that is on by default (set_hostname, reserved_ports)
            out.add(e.getValue().asBoolean() ? param : "no" + param);
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
