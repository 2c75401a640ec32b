// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.spi.HostCommands;
import isola.spi.ProcessHostCommands;
import java.util.ArrayList;
import java.util.List;

/** What zones, VNICs and NAT rules of a sandbox id prefix are on a real illumos host (for ITs). */
final class ZonesHostState {
    private static final HostCommands HOST = new ProcessHostCommands();

    private ZonesHostState() {
    }

    static boolean isRoot() {
        return HOST.run("/usr/bin/id", "-u").stdout().strip().equals("0")
                || HOST.run("/usr/xpg4/bin/id", "-u").stdout().strip().equals("0");
    }

    /** @param idPrefix a sandbox id prefix @return what of it is left on the host */
    static List<String> leftovers(String idPrefix) {
        List<String> out = new ArrayList<>();
        String zonePrefix = ZoneNames.SANDBOX_PREFIX + idPrefix;
        for (ZoneEntry z : ZoneEntry.parse(HOST.run(ZoneAdmin.ZONEADM, "list", "-cp").stdout())) {
            if (z.name().startsWith(zonePrefix)) {
                out.add("zone " + z.name() + " (" + z.state() + ")");
            }
        }
        for (String l : HOST.run(Dladm.DLADM, "show-vnic", "-p", "-o", "link,over").stdout().split("\n")) {
            // isola's VNICs are named isola + 10 hex digits + 0 (ZoneNames.vnic); the gateway's is isolagw0
            if (l.matches("isola[0-9a-f]{10}0:.*")) {
                out.add("vnic " + l);
            }
        }
        for (String l : HOST.run(Ipnat.IPNAT, "-l").stdout().split("\n")) {
            if (l.startsWith("map ") || l.startsWith("rdr ")) {
                if (l.contains("10.201.")) {
                    out.add("nat " + l.strip());
                }
            }
        }
        return out;
    }
}
