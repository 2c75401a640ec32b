// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each cgroup controller lives on this host, probed per controller: a v1 hierarchy when one
 * is mounted for it, else the cgroup2 mount when its root lists it in {@code cgroup.controllers}.
 * So pure v2, pure v1 and hybrid hosts (v1 controllers plus a cgroup2 mount holding some or none)
 * all work.
 */
public final class CgroupMounts {
    /** Controllers isola uses. */
    public static final List<String> CONTROLLERS = List.of("memory", "cpu", "cpuacct", "cpuset", "pids", "blkio", "io", "freezer");

    /**
     * Where one controller is.
     *
     * @param controller its name
     * @param mount the hierarchy's mount point
     * @param v2 whether it is the unified (cgroup2) hierarchy
     */
    public record Location(String controller, Path mount, boolean v2) {
    }

    private final Map<String, Location> locations;
    private final Path unified;

    private CgroupMounts(Map<String, Location> locations, Path unified) {
        this.locations = locations;
        this.unified = unified;
    }

    /** @return this host's layout, from /proc/self/mountinfo */
    public static CgroupMounts probe() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8), Path.of("/"));
        } catch (IOException e) {
            return new CgroupMounts(Map.of(), null);
        }
    }

    /**
     * @param mountinfo lines of /proc/self/mountinfo
     * @param fsRoot where mount points are found (a temporary tree in tests)
     * @return the layout
     */
    public static CgroupMounts parse(List<String> mountinfo, Path fsRoot) {
        Map<String, Location> v1 = new LinkedHashMap<>();
        Path unified = null;
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (dash < 0 || f.length < dash + 4) {
                continue;
            }
            String type = f[dash + 1];
            Path mount = fsRoot.resolve(f[4].substring(1));
            if (type.equals("cgroup2")) {
                unified = mount;
            } else if (type.equals("cgroup")) {
                for (String opt : f[dash + 3].split(",")) {
                    if (CONTROLLERS.contains(opt)) {
                        v1.put(opt, new Location(opt, mount, false));
                    }
                }
            }
        }
        Map<String, Location> all = new LinkedHashMap<>(v1);
        if (unified != null) {
            for (String c : v2Controllers(unified)) {
                if (!all.containsKey(c) && CONTROLLERS.contains(c)) {
                    all.put(c, new Location(c, unified, true));
                }
            }
            // on v2, cpu time is in cpu.stat (the cpu controller's files exist even when it is off)
            if (!all.containsKey("cpuacct") && v1.isEmpty()) {
                all.put("cpuacct", new Location("cpuacct", unified, true));
            }
        }
        return new CgroupMounts(all, unified);
    }

    private static Set<String> v2Controllers(Path unified) {
        try {
            return Set.of(Files.readString(unified.resolve("cgroup.controllers")).trim().split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }

    /**
     * @param controller a controller name
     * @return where it is, or null when this host does not have it mounted
     */
    public Location find(String controller) {
        return locations.get(controller);
    }

    /**
     * @param controllers v2 controllers
     * @return this layout with only those controllers, all on the cgroup2 mount (cpu time from its cpu.stat)
     */
    public CgroupMounts restrictedToUnified(Set<String> controllers) {
        Map<String, Location> only = new LinkedHashMap<>();
        if (unified != null) {
            for (String c : CONTROLLERS) {
                if (controllers.contains(c)) {
                    only.put(c, new Location(c, unified, true));
                }
            }
            only.put("cpuacct", new Location("cpuacct", unified, true));
        }
        return new CgroupMounts(only, unified);
    }

    /** @return the cgroup2 mount, or null */
    public Path unified() {
        return unified;
    }

    /** @return a one-line description for {@code isola features} */
    public String describe() {
        long v1 = locations.values().stream().filter(l -> !l.v2()).count();
        long v2 = locations.values().stream().filter(Location::v2).count();
        String kind = v1 > 0 && unified != null ? "hybrid" : v1 > 0 ? "cgroup v1" : unified != null ? "cgroup v2" : "none";
        StringBuilder sb = new StringBuilder(kind).append(":");
        for (Location l : locations.values()) {
            sb.append(' ').append(l.controller()).append(l.v2() ? "(v2)" : "(v1)");
        }
        return v1 + v2 == 0 ? "no cgroup controllers mounted" : sb.toString();
    }
}
