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
}
