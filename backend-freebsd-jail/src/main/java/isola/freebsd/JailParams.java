// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.FreeBsdOptions;
import isola.api.NetworkMode;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import isola.freebsd.JailParam.JailSys;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The jail(2) parameters of a sandbox, in the order they are passed to {@code jail_set}
 * (JAIL_CREATE). Mapping (see docs/freebsd-backend.md): name = the sandbox id, path = the prepared
 * root, {@code host.hostname} (implies {@code host=new}), {@code persist} (the jail lives between
 * processes until close removes it), {@code enforce_statfs}, {@code devfs_ruleset}, private SysV IPC
 * ({@code sysvmsg/sysvsem/sysvshm=new}), {@code children.max=0}, the network mode, and the
 * {@code allow.*} the caller asked for.
 */
public final class JailParams {
    private static final Pattern ALLOW = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)?");

    private JailParams() {
    }

    /**
     * The jail's name: the sandbox id (ids never contain '.', which would mean a child jail), with an
     * {@code isola-} prefix when it is all digits, because jail(8), jexec(8) and rctl(8) would read
     * an all-digit name as a jid. A parent jail (network join, or FreeBsdOptions.parentJail) makes it
     * {@code parent.name}.
     *
     * @param id the sandbox id
     * @param parent the parent jail's name, or null
     * @return the jail name
     */
    public static String jailName(String id, String parent) {
        String n = id.chars().allMatch(Character::isDigit) ? "isola-" + id : id;
        return parent == null ? n : parent + "." + n;
    }

    /**
     * @param spec the sandbox
     * @param name the jail name ({@link #jailName})
     * @param path the prepared root on the host
     * @return the parameters, in order
     */
    public static List<JailParam> of(SandboxSpec spec, String name, String path) {
        FreeBsdOptions o = spec.freebsd();
        List<JailParam> p = new ArrayList<>();
        p.add(JailParam.string("name", name));
        p.add(JailParam.string("path", path));
        p.add(JailParam.jailsys("host", JailSys.NEW));
        p.add(JailParam.string("host.hostname", spec.hostname()));
        p.add(JailParam.bool("persist", true));
        p.add(JailParam.integer("enforce_statfs", o.enforceStatfs()));
        p.add(JailParam.integer("devfs_ruleset", o.devfsRuleset()));
        p.add(JailParam.integer("children.max", 0));
        p.add(JailParam.jailsys("sysvmsg", JailSys.NEW));
        p.add(JailParam.jailsys("sysvsem", JailSys.NEW));
        p.add(JailParam.jailsys("sysvshm", JailSys.NEW));
        network(spec, p);
        for (String a : new TreeSet<>(o.allow())) {
            if (!ALLOW.matcher(a).matches()) {
                throw new SpecValidationException("jail permission allow." + a + " is not a valid allow.* name");
            }
            p.add(JailParam.bool("allow." + a, true));
        }
        return p;
    }

    private static void network(SandboxSpec spec, List<JailParam> p) {
        NetworkMode mode = spec.network().mode();
        switch (mode) {
            // a new vnet has only its own lo0: no route out, nothing of the host's stack
            case NONE, BRIDGE -> p.add(JailParam.jailsys("vnet", JailSys.NEW));
            case HOST -> {
                p.add(JailParam.jailsys("ip4", JailSys.INHERIT));
                p.add(JailParam.jailsys("ip6", JailSys.INHERIT));
            }
            // a child of the joined sandbox's jail, sharing its vnet
            case JOIN -> p.add(JailParam.jailsys("vnet", JailSys.INHERIT));
            case ADDRESSES -> {
                List<InetAddress> v4 = new ArrayList<>();
                List<InetAddress> v6 = new ArrayList<>();
                for (String a : spec.network().addresses()) {
                    InetAddress ia = literal(a);
                    (ia instanceof Inet4Address ? v4 : v6).add(ia);
                }
                // a family without addresses is disabled, not inherited: the jail gets only what was listed
                if (v4.isEmpty()) {
                    p.add(JailParam.jailsys("ip4", JailSys.DISABLE));
                } else {
                    p.add(JailParam.jailsys("ip4", JailSys.NEW));
                    p.add(JailParam.addresses("ip4.addr", v4));
                }
                if (v6.isEmpty()) {
                    p.add(JailParam.jailsys("ip6", JailSys.DISABLE));
                } else {
                    p.add(JailParam.jailsys("ip6", JailSys.NEW));
                    p.add(JailParam.addresses("ip6.addr", v6));
                }
            }
            default -> throw new IllegalStateException(mode.name());
        }
    }

    /**
     * @param text an IPv4 or IPv6 literal, optionally with a /prefix
     * @return the address (no name lookup)
     */
    public static InetAddress literal(String text) {
        String a = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
        if (!a.matches("[0-9.]+") && !a.matches("[0-9A-Fa-f:.]+")) {
            throw new SpecValidationException("network address must be an IPv4 or IPv6 literal, got \"" + text + "\"");
        }
        if (a.matches("[0-9.]+") && !a.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
            throw new SpecValidationException("network address must be an IPv4 or IPv6 literal, got \"" + text + "\"");
        }
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new SpecValidationException("network address must be an IPv4 or IPv6 literal, got \"" + text + "\"");
        }
    }
}
