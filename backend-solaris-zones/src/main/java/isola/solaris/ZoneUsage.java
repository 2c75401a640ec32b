// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.SandboxStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A running zone's usage from kstats (the reference's §4 observability): {@code zones:<id>}
 * ({@code nsec_user}, {@code nsec_sys}), {@code memory_cap:<id>} ({@code rss}, {@code swap},
 * {@code physcap}) and {@code caps:<id>:nprocs_zone_<id>} ({@code usage}), read with
 * {@code kstat -p}, whose lines are {@code module:instance:name:statistic<TAB>value} (kstat(8)).
 * The instance of these kstats is the zone id, which changes every boot.
 */
final class ZoneUsage {
    static final String KSTAT = "/usr/bin/kstat";

    private ZoneUsage() {
    }

    /** @param zoneId the running zone's id @return the kstat command */
    static List<String> command(int zoneId) {
        return List.of(KSTAT, "-p", "zones:" + zoneId, "memory_cap:" + zoneId, "caps:" + zoneId + ":nprocs_zone_" + zoneId + ":usage");
    }

    /**
     * @param kstat {@code kstat -p}'s output for {@link #command}
     * @return the usage; what is missing stays null
     */
    static SandboxStats parse(String kstat) {
        Map<String, Long> v = new HashMap<>();
        for (String line : kstat.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                continue;
            }
            String[] key = line.substring(0, tab).split(":");
            if (key.length < 4) {
                continue;
            }
            try {
                v.put(key[0] + ":" + key[key.length - 1], Long.parseLong(line.substring(tab + 1).strip()));
            } catch (NumberFormatException notANumber) {
                // zonename, class and the like
            }
        }
        return new SandboxStats(v.get("zones:nsec_user"), v.get("zones:nsec_sys"), v.get("memory_cap:rss"), null,
                v.get("caps:usage"), null, null, null);
    }
}
