// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Describes how cgroups are mounted here (pure v2, v1, or hybrid), for {@code isola features}. */
final class CgroupLayout {
    private CgroupLayout() {
    }

    static String describe() {
        try {
            boolean v2Root = false;
            boolean v2Unified = false;
            int v1 = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length < 3) {
                    continue;
                }
                if (f[2].equals("cgroup2")) {
                    if (f[1].equals("/sys/fs/cgroup")) {
                        v2Root = true;
                    } else {
                        v2Unified = true;
                    }
                } else if (f[2].equals("cgroup")) {
                    v1++;
                }
            }
            if (v2Root && v1 == 0) {
                return "cgroup v2 (unified)";
            }
            if (v1 > 0) {
                return (v2Unified || v2Root ? "hybrid: " : "") + "cgroup v1 (" + v1 + " hierarchies)"
                        + (v2Unified ? " plus cgroup2 at /sys/fs/cgroup/unified" : "");
            }
            return "no cgroup filesystem mounted";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * Whether moving a process into a cgroup is cheap at any time. It is not by default: each move
     * takes a global per-CPU rwsem for writing, and the first one after an idle spell waits for an
     * RCU grace period (10 to 20 ms on the development machine) while holding cgroup_mutex. The
     * kernel keeps that rwsem in its slow mode, and moves cheap, while any hierarchy is mounted with
     * {@code favordynmods} or after booting with {@code cgroup_favordynmods=1}. isola moves nothing on
     * cgroup v2 (the workload is cloned into its cgroup), so this matters on v1 and hybrid hosts only.
     *
     * @param mounts the text of /proc/self/mounts
     * @param cmdline the kernel command line
     * @return a one-line description for {@code isola features}
     */
    static String moves(String mounts, String cmdline) {
        boolean v1 = false;
        for (String line : mounts.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 4 || !(f[2].equals("cgroup") || f[2].equals("cgroup2"))) {
                continue;
            }
            if (java.util.List.of(f[3].split(",")).contains("favordynmods")) {
                return "cheap: " + f[1] + " is mounted with favordynmods";
            }
            v1 |= f[2].equals("cgroup");
        }
        for (String arg : cmdline.strip().split("\\s+")) {
            if (arg.matches("cgroup_favordynmods=(1|y|Y|true|on)")) {
                return "cheap: the kernel was booted with " + arg;
            }
        }
        if (!v1) {
            return "not needed: on cgroup v2 the workload is cloned into its cgroup";
        }
        return "the first move into a v1 cgroup after an idle spell waits for an RCU grace period (10-20 ms);"
                + " make it cheap with favordynmods (docs/linux-backend.md)";
    }

    static String moves() {
        try {
            return moves(Files.readString(Path.of("/proc/self/mounts")), Files.readString(Path.of("/proc/cmdline")));
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
