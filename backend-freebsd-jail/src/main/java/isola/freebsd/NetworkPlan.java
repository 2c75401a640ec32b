// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.NetworkSpec;
import isola.api.PortMapping;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * The ifconfig(8), route(8) and pfctl(8) command lines of each network mode, as data: what runs
 * before the jail exists, what runs after (with the jid), and how each is undone. Host aliases for
 * mode addresses; epair + if_bridge + pf NAT/rdr for mode bridge; lo0 brought up in every new vnet
 * (a fresh vnet's lo0 is down and unaddressed until someone configures it).
 */
public final class NetworkPlan {
    static final String IFCONFIG = "/sbin/ifconfig";
    static final String ROUTE = "/sbin/route";
    static final String PFCTL = "/sbin/pfctl";

    /**
     * A command and what undoes it.
     *
     * @param argv the command line
     * @param stdin its stdin, or null
     * @param undo what undoes it (recorded before it runs), or null when the jail's removal does
     */
    public record Command(List<String> argv, String stdin, Undo undo) {
        /** @return the command line as one string, for tests and logs */
        public String render() {
            return String.join(" ", argv) + (stdin == null ? "" : " <<" + stdin.strip().replace("\n", "; "));
        }
    }

    private NetworkPlan() {
    }

    /**
     * Mode addresses: each address aliased on the host interface before the jail binds it.
     *
     * @param iface the host interface (FreeBsdOptions aliasInterface), or null when the addresses are the host's already
     * @param addresses the addresses
     * @return the commands
     */
    public static List<Command> aliases(String iface, List<String> addresses) {
        List<Command> c = new ArrayList<>();
        if (iface == null) {
            return c;
        }
        for (String a : addresses) {
            boolean v4 = JailParams.literal(a) instanceof Inet4Address;
            String addr = a.contains("/") ? a.substring(0, a.indexOf('/')) : a;
            String withPrefix = a.contains("/") ? a : addr + (v4 ? "/32" : "/128");
            String fam = v4 ? "inet" : "inet6";
            c.add(new Command(List.of(IFCONFIG, iface, fam, withPrefix, "alias"), null, Undo.of(Undo.Kind.UNALIAS, iface, fam, addr)));
        }
        return c;
    }

    /**
     * Mode bridge, before the jail: the host end joins the bridge.
     *
     * @param cfg the bridge
     * @param epairA the host end, e.g. {@code epair3a}
     * @return the commands
     */
    public static List<Command> bridgeHost(BridgeConfig cfg, String epairA) {
        return List.of(
                new Command(List.of(IFCONFIG, cfg.bridge(), "addm", epairA), null, null),
                new Command(List.of(IFCONFIG, epairA, "up"), null, null));
    }

    /**
     * After the jail exists with vnet=new: loopback up (modes none and bridge).
     *
     * @param jid the jail
     * @return the commands
     */
    public static List<Command> loopback(int jid) {
        return List.of(new Command(List.of(IFCONFIG, "-j", Integer.toString(jid), "lo0", "inet", "127.0.0.1/8", "up"), null, null));
    }

    /**
     * Mode bridge, after the jail exists: the jail end moves into its vnet and is configured from
     * the host ({@code ifconfig -j}/{@code route -j}, 13.3+/14.0+), so no binary of the jail runs.
     *
     * @param cfg the bridge
     * @param epairB the jail end
     * @param jid the jail
     * @param address the sandbox's address
     * @return the commands
     */
    public static List<Command> bridgeJail(BridgeConfig cfg, String epairB, int jid, String address) {
        String j = Integer.toString(jid);
        return List.of(
                new Command(List.of(IFCONFIG, epairB, "vnet", j), null, null),
                new Command(List.of(IFCONFIG, "-j", j, epairB, "inet", address + "/" + cfg.prefix(), "up"), null, null),
                new Command(List.of(ROUTE, "-j", j, "add", "default", cfg.gateway()), null, null));
    }

    /**
     * Mode bridge: NAT out of the egress interface and published ports, in the sandbox's own pf
     * anchor {@code isola/<id>} (the host's pf.conf carries {@code nat-anchor "isola/*"} and
     * {@code rdr-anchor "isola/*"}).
     *
     * @param cfg the bridge
     * @param id the sandbox id
     * @param address the sandbox's address
     * @param net the network spec (its ports)
     * @return the pfctl command, or none without an egress interface
     */
    public static List<Command> pf(BridgeConfig cfg, String id, String address, NetworkSpec net) {
        if (cfg.egress() == null) {
            return List.of();
        }
        String anchor = "isola/" + id;
        StringBuilder rules = new StringBuilder();
        rules.append("nat on ").append(cfg.egress()).append(" inet from ").append(address).append(" to any -> (")
                .append(cfg.egress()).append(")\n");
        for (PortMapping p : net.ports()) {
            rules.append("rdr pass on ").append(cfg.egress()).append(" inet proto ").append(p.protocol()).append(" from any to ")
                    .append(p.hostIp() == null ? "(" + cfg.egress() + ")" : p.hostIp()).append(" port ").append(p.hostPort())
                    .append(" -> ").append(address).append(" port ").append(p.sandboxPort()).append('\n');
        }
        return List.of(new Command(List.of(PFCTL, "-a", anchor, "-f", "-"), rules.toString(), Undo.of(Undo.Kind.PF, anchor)));
    }
}
