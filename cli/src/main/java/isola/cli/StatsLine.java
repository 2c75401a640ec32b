// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.SandboxStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code isola run --stats}'s line: {@code cpu user 0.12s sys 0.03s, memory now 0B peak 12.3MiB,
 * pids now 0, oom kills 0, io read 1.0MiB write 0B}, with only what the backend accounts.
 */
final class StatsLine {
    private StatsLine() {
    }

    /**
     * @param s the sandbox's usage
     * @param backend the backend's name, for when it accounts nothing
     * @return the line, without the {@code isola: stats: } prefix
     */
    static String format(SandboxStats s, String backend) {
        List<String> parts = new ArrayList<>();
        group(parts, "cpu", "user", seconds(s.cpuUserNanos()), "sys", seconds(s.cpuSystemNanos()));
        group(parts, "memory", "now", bytes(s.memoryBytes()), "peak", bytes(s.memoryPeakBytes()));
        group(parts, "pids", "now", s.pids() == null ? null : s.pids().toString(), null, null);
        group(parts, "oom", "kills", s.oomKills() == null ? null : s.oomKills().toString(), null, null);
        group(parts, "io", "read", bytes(s.ioReadBytes()), "write", bytes(s.ioWriteBytes()));
        return parts.isEmpty() ? "none accounted by backend " + backend + " for this sandbox" : String.join(", ", parts);
    }

    private static void group(List<String> parts, String what, String k1, String v1, String k2, String v2) {
        StringBuilder sb = new StringBuilder(what);
        if (v1 != null) {
            sb.append(' ').append(k1).append(' ').append(v1);
        }
        if (v2 != null) {
            sb.append(' ').append(k2).append(' ').append(v2);
        }
        if (v1 != null || v2 != null) {
            parts.add(sb.toString());
        }
    }

    /** @return nanoseconds as seconds with two decimals, {@code 0.12s} */
    static String seconds(Long nanos) {
        return nanos == null ? null : String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
    }

    /** @return bytes in binary units with one decimal, {@code 512B}, {@code 12.3MiB} */
    static String bytes(Long n) {
        if (n == null) {
            return null;
        }
        if (n < 1024) {
            return n + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }
}
