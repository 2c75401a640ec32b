// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code zoneadm list -cp}: {@code zoneid:zonename:state:zonepath:uuid:brand:ip-type}
 * (zoneadm(8)); the zoneid is {@code -} when the zone is not running, colons in fields are escaped
 * with a backslash, and fields added by later releases are ignored.
 *
 * @param id the zone id, -1 when it is not running
 * @param name the zone name
 * @param state {@code configured}, {@code incomplete}, {@code installed}, {@code ready}, {@code running},
 *     {@code shutting_down}, {@code down} (Oracle Solaris adds {@code unavailable})
 * @param zonepath the zonepath
 * @param brand the brand
 * @param ipType {@code shared} or {@code excl}
 */
record ZoneEntry(int id, String name, String state, String zonepath, String brand, String ipType) {

    /** @return whether it is booted far enough for zlogin ({@code running}) */
    boolean running() {
        return state.equals("running");
    }

    /** @return whether it has a virtual platform or processes ({@code ready}, {@code running}, going down) */
    boolean up() {
        return state.equals("ready") || state.equals("running") || state.equals("shutting_down") || state.equals("down");
    }

    /** @return whether files are installed under its zonepath (also half-installed: {@code incomplete}) */
    boolean installed() {
        return !state.equals("configured");
    }

    /**
     * @param out {@code zoneadm list -cp}'s output
     * @return its zones, the global zone included
     * @throws IllegalArgumentException for a line with too few fields
     */
    static List<ZoneEntry> parse(String out) {
        List<ZoneEntry> zones = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line);
            if (f.size() < 7) {
                throw new IllegalArgumentException("zoneadm list -cp printed a line with " + f.size() + " fields, not 7: " + line);
            }
            int id = f.get(0).equals("-") ? -1 : Integer.parseInt(f.get(0));
            zones.add(new ZoneEntry(id, f.get(1), f.get(2), f.get(3), f.get(5), f.get(6)));
        }
        return zones;
    }

    private static List<String> fields(String line) {
        List<String> f = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (c == ':') {
                f.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        f.add(cur.toString());
        return f;
    }
}
