// SPDX-License-Identifier: Apache-2.0
package isola.bench;

import isola.api.IsolatedProcess;
import isola.api.Isolation;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.spi.IsolationBackend;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Spawn latency from one warm JVM, side by side: isola (create sandbox, run /bin/true, close) against
 * bwrap with the same isolation started through ProcessBuilder, and /bin/true alone as the floor.
 * Prints p50/p90/p99/mean, throughput with 1 and 2 threads, ratios, and the helper's memory per
 * live sandbox. Run as root: {@code benchmark/run.sh [--iterations N] [--json FILE]}.
 */
public final class SpawnBenchmark {
    private static final File DEV_NULL = new File("/dev/null");
    private static final String[] BWRAP = {"bwrap", "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc",
        "--dev", "/dev", "--tmpfs", "/tmp", "/bin/true"};

    private SpawnBenchmark() {
    }

    /** One way of running isolated /bin/true once. */
    interface Variant {
        void once() throws Exception;
    }

    record Stats(String name, double p50, double p90, double p99, double mean, double tput1, double tput2) {
    }

    public static void main(String[] args) throws Exception {
        int iterations = 1000;
        int warmup = 200;
        String json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--json" -> json = args[++i];
                default -> {
                    System.err.println("usage: SpawnBenchmark [--iterations N] [--warmup N] [--json FILE]");
                    System.exit(2);
                }
            }
        }
        IsolationBackend linux = Isolation.backend("linux");
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("isola", () -> isolaOnce(linux));
        if (onPath("bwrap")) {
            variants.put("bwrap", () -> processOnce(BWRAP));
        } else {
            System.out.println("bwrap: not installed, skipped (apt-get install -y bubblewrap)");
        }
        variants.put("/bin/true", () -> processOnce("/bin/true"));

        System.out.printf("spawn benchmark: %d iterations after %d warm-up, launch mechanism %s, %d cpus, java %s%n",
                iterations, warmup, System.getProperty("jdk.lang.Process.launchMechanism", "POSIX_SPAWN (default)"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        List<Stats> all = new ArrayList<>();
        for (Map.Entry<String, Variant> v : variants.entrySet()) {
            for (int i = 0; i < warmup; i++) {
                v.getValue().once();
            }
        }
        for (Map.Entry<String, Variant> v : variants.entrySet()) {
            all.add(measure(v.getKey(), v.getValue(), iterations));
        }
        System.out.printf("%-10s %8s %8s %8s %8s %12s %12s%n", "variant", "p50 ms", "p90 ms", "p99 ms", "mean ms",
                "runs/s 1thr", "runs/s 2thr");
        for (Stats s : all) {
            System.out.printf(Locale.ROOT, "%-10s %8.2f %8.2f %8.2f %8.2f %12.0f %12.0f%n", s.name, s.p50, s.p90, s.p99,
                    s.mean, s.tput1, s.tput2);
        }
        Stats isola = all.get(0);
        Stats bwrap = all.stream().filter(s -> s.name.equals("bwrap")).findFirst().orElse(null);
        String ratios = "";
        if (bwrap != null) {
            double p50 = isola.p50 / bwrap.p50;
            ratios = String.format(Locale.ROOT, "\"p50\": %.3f, \"p99\": %.3f, \"throughput1\": %.3f, \"throughput2\": %.3f",
                    p50, isola.p99 / bwrap.p99, isola.tput1 / bwrap.tput1, isola.tput2 / bwrap.tput2);
            System.out.printf(Locale.ROOT, "ratio isola/bwrap: p50 %.2f  p99 %.2f  throughput(1 thread) %.2f  throughput(2 threads) %.2f%n",
                    p50, isola.p99 / bwrap.p99, isola.tput1 / bwrap.tput1, isola.tput2 / bwrap.tput2);
            System.out.println("goal p50 ratio <= 1.0: " + (p50 <= 1.0 ? "met" : "NOT met"));
        }
        long[] mem = helperMemory(linux, 20);
        System.out.printf("helper memory per live sandbox (20 sandboxes, supervisor + init): RSS %d KiB, PSS %d KiB "
                + "(goal <= 1024 KiB)%n", mem[0], mem[1]);
        if (json != null) {
            StringBuilder sb = new StringBuilder("{\n  \"variants\": [\n");
            for (int i = 0; i < all.size(); i++) {
                Stats s = all.get(i);
                sb.append(String.format(Locale.ROOT, "    {\"name\": \"%s\", \"p50Ms\": %.3f, \"p90Ms\": %.3f, \"p99Ms\": %.3f, "
                        + "\"meanMs\": %.3f, \"runsPerSecond1\": %.1f, \"runsPerSecond2\": %.1f}%s%n", s.name, s.p50, s.p90,
                        s.p99, s.mean, s.tput1, s.tput2, i + 1 < all.size() ? "," : ""));
            }
            sb.append("  ],\n  \"ratioIsolaBwrap\": {").append(ratios).append("},\n");
            sb.append(String.format("  \"helperRssKiBPerSandbox\": %d, \"helperPssKiBPerSandbox\": %d%n}%n", mem[0], mem[1]));
            Files.writeString(Path.of(json), sb.toString());
        }
    }

    private static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    static void isolaOnce(IsolationBackend linux) throws Exception {
        try (Sandbox s = linux.create(SandboxSpec.builder().build())) {
            IsolatedProcess p = s.exec(ProcessSpec.builder("/bin/true").stdin(Redirect.from(DEV_NULL))
                    .stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build());
            if (!p.waitFor().success()) {
                throw new IllegalStateException("isola run of /bin/true failed: " + p.waitFor());
            }
        }
    }

    static void processOnce(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectInput(Redirect.from(DEV_NULL)).redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue());
        }
    }

    static Stats measure(String name, Variant v, int n) throws Exception {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            v.once();
            t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        double mean = Arrays.stream(t).average().orElse(0) / 1e6;
        return new Stats(name, t[n / 2] / 1e6, t[(int) (n * 0.9)] / 1e6, t[Math.min(n - 1, (int) (n * 0.99))] / 1e6, mean,
                throughput(v, 1, n / 2), throughput(v, 2, n / 2));
    }

    static double throughput(Variant v, int threads, int runs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> work = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                work.add(() -> {
                    for (int i = 0; i < runs / threads; i++) {
                        v.once();
                    }
                    return null;
                });
            }
            long s = System.nanoTime();
            for (Future<Void> f : pool.invokeAll(work)) {
                f.get();
            }
            return (runs / threads) * threads / ((System.nanoTime() - s) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    /** @return {RSS, PSS} in KiB per live sandbox, summed over the helper processes (supervisor and init) */
    static long[] helperMemory(IsolationBackend linux, int k) throws Exception {
        List<Sandbox> boxes = new ArrayList<>();
        try {
            for (int i = 0; i < k; i++) {
                Sandbox s = linux.create(SandboxSpec.builder().build());
                boxes.add(s);
                s.exec(ProcessSpec.builder("sleep", "60").stdin(Redirect.from(DEV_NULL)).stdout(Redirect.DISCARD)
                        .stderr(Redirect.DISCARD).build());
            }
            long rss = 0;
            long pss = 0;
            for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
                Path proc = Path.of("/proc", Long.toString(h.pid()));
                try {
                    if (!Files.readSymbolicLink(proc.resolve("exe")).toString().contains("isola-spawn")) {
                        continue;
                    }
                    rss += field(proc.resolve("status"), "VmRSS:");
                    pss += field(proc.resolve("smaps_rollup"), "Pss:");
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
            return new long[] {rss / k, pss / k};
        } finally {
            for (Sandbox s : boxes) {
                s.close();
            }
        }
    }

    private static long field(Path file, String name) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }
}
