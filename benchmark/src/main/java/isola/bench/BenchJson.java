// SPDX-License-Identifier: Apache-2.0
package isola.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The benchmark's results as JSON (written by hand: the benchmark needs no JSON library). */
final class BenchJson {
    private BenchJson() {
    }

    static String render(SpawnBenchmark.Options o, Map<String, List<SpawnBenchmark.Stats>> modes,
            Map<String, Map<String, double[]>> ratios, long[] mem, String loadBefore, String loadAfter) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append(String.format(Locale.ROOT, "  \"settings\": {\"iterations\": %d, \"warmup\": %d, \"gapMs\": %d, "
                + "\"gapIterations\": %d, \"cpus\": %d, \"java\": \"%s\", \"launchMechanism\": \"%s\", "
                + "\"limits\": {\"memoryBytes\": %d, \"pids\": %d, \"cpus\": %.1f}},%n", o.iterations(), o.warmup(),
                o.gapMs(), o.gapIterations(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("jdk.lang.Process.launchMechanism", "POSIX_SPAWN"),
                SpawnBenchmark.MEMORY, SpawnBenchmark.PIDS, SpawnBenchmark.CPUS));
        sb.append("  \"loadAverage\": {\"before\": \"").append(loadBefore).append("\", \"after\": \"").append(loadAfter)
                .append("\"},\n  \"modes\": {\n");
        int m = 0;
        for (Map.Entry<String, List<SpawnBenchmark.Stats>> e : modes.entrySet()) {
            sb.append("    \"").append(e.getKey()).append("\": {\n      \"variants\": [\n");
            List<SpawnBenchmark.Stats> all = e.getValue();
            for (int i = 0; i < all.size(); i++) {
                SpawnBenchmark.Stats s = all.get(i);
                sb.append(String.format(Locale.ROOT, "        {\"name\": \"%s\", \"n\": %d, \"p50Ms\": %.3f, \"p90Ms\": %.3f, "
                        + "\"p99Ms\": %.3f, \"meanMs\": %.3f, \"runsPerSecond1\": %.1f, \"runsPerSecond2\": %.1f", s.name(),
                        s.n(), s.p50(), s.p90(), s.p99(), s.mean(), s.tput1(), s.tput2()));
                if (s.phaseP50() != null) {
                    sb.append(", \"phaseP50Ms\": {");
                    for (int k = 0; k < s.phaseP50().length; k++) {
                        sb.append(String.format(Locale.ROOT, "%s\"%s\": %.3f", k > 0 ? ", " : "", SpawnBenchmark.PHASES[k],
                                s.phaseP50()[k]));
                    }
                    sb.append('}');
                }
                sb.append('}').append(i + 1 < all.size() ? "," : "").append('\n');
            }
            sb.append("      ],\n      \"ratios\": {");
            int r = 0;
            for (Map.Entry<String, double[]> x : ratios.get(e.getKey()).entrySet()) {
                sb.append(String.format(Locale.ROOT, "%s\"%s\": {\"p50\": %.3f, \"p99\": %.3f}", r++ > 0 ? ", " : "",
                        x.getKey(), x.getValue()[0], x.getValue()[1]));
            }
            sb.append("}\n    }").append(++m < modes.size() ? "," : "").append('\n');
        }
        sb.append(String.format("  },%n  \"helperRssKiBPerSandbox\": %d, \"helperPssKiBPerSandbox\": %d%n}%n", mem[0],
                mem[1]));
        return sb.toString();
    }
}
