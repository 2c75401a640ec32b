// SPDX-License-Identifier: Apache-2.0
package isola.bench;

import isola.api.IsolatedProcess;
import isola.api.Isolation;
import isola.api.Limits;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Spawn latency from one warm JVM, side by side: isola without and with limits (create sandbox, run
 * /bin/true, wait, close), crun with the same namespaces and limits on a busybox-static bundle, bwrap
 * with the same isolation, and /bin/true alone as the floor; each started through ProcessBuilder.
 * Measured back to back and with idle gaps between runs (the first cgroup migration after an idle
 * period waits for an RCU grace period). Prints p50/p90/p99/mean, throughput, ratios, isola's time
 * per phase, and the helper's memory per live sandbox. Run as root: {@code benchmark/run.sh}.
 */
public final class SpawnBenchmark {
    static final File DEV_NULL = new File("/dev/null");
    private static final String[] BWRAP = {"bwrap", "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc",
        "--dev", "/dev", "--tmpfs", "/tmp", "/bin/true"};
    /** The limits of the {@code isola-limits} and {@code crun} variants: memory 64 MiB, 64 pids, one CPU. */
    static final long MEMORY = 64L << 20;
    static final long PIDS = 64;
    static final double CPUS = 1.0;
    static final String USAGE = "usage: SpawnBenchmark [--iterations N] [--warmup N] [--gap-ms MS] [--gap-iterations N] "
            + "[--variants isola,isola-limits,isola-bridge,isola-bridge-port,isola-bridge-cold,crun,bwrap,true] [--no-throughput] [--json FILE]";

    private SpawnBenchmark() {
    }

    /** One way of running isolated /bin/true once; {@code phases} (may be null) gets isola's phase times. */
    interface Variant {
        void once(long[] phases) throws Exception;
    }

    /** isola's phases of one run: create, exec (until the workload has exec'd), wait, close. */
    static final String[] PHASES = {"create", "exec", "wait", "close"};

    record Stats(String name, int n, double p50, double p90, double p99, double mean, double tput1, double tput2,
            double[] phaseP50) {
    }

    record Options(int iterations, int warmup, int gapMs, int gapIterations, List<String> variants, boolean throughput,
            String json) {
        static Options parse(String[] args) {
            int iterations = 1000;
            int warmup = 1500;
            int gapMs = 200;
            int gapIterations = 100;
            List<String> variants = List.of("isola", "isola-limits", "crun", "bwrap", "true");
            boolean throughput = true;
            String json = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--gap-ms" -> gapMs = Integer.parseInt(args[++i]);
                    case "--gap-iterations" -> gapIterations = Integer.parseInt(args[++i]);
                    case "--variants" -> variants = List.of(args[++i].split(","));
                    case "--no-throughput" -> throughput = false;
                    case "--json" -> json = args[++i];
                    default -> {
                        System.err.println(USAGE);
                        System.exit(2);
                    }
                }
            }
            return new Options(iterations, warmup, gapMs, gapIterations, variants, throughput, json);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        IsolationBackend linux = Isolation.backend("linux");
        Limits limits = new Limits(MEMORY, null, CPUS, null, null, null, PIDS, null, List.of());
        Map<String, Variant> variants = new LinkedHashMap<>();
        CrunBundle bundle = null;
        BridgeKeeper keeper = null;
        AtomicInteger crunIds = new AtomicInteger();
        String crunPrefix = "isola-bench-" + ProcessHandle.current().pid() + "-";
        for (String name : o.variants()) {
            switch (name) {
                case "isola" -> variants.put("isola", ph -> isolaOnce(linux, SandboxSpec.builder().build(), ph));
                case "isola-limits" -> variants.put("isola-limits",
                        ph -> isolaOnce(linux, SandboxSpec.builder().limits(limits).build(), ph));
                case "isola-bridge", "isola-bridge-port", "isola-bridge-cold" -> {
                    if (!linux.capabilities().supports(isola.api.Capability.NETWORK_BRIDGE)) {
                        System.out.println(name + ": skipped: " + linux.capabilities().missing().get(isola.api.Capability.NETWORK_BRIDGE));
                        continue;
                    }
                    if (!name.equals("isola-bridge-cold") && keeper == null) {
                        keeper = BridgeKeeper.start(linux);
                    }
                    boolean port = name.equals("isola-bridge-port");
                    variants.put(name, ph -> isolaOnce(linux, BridgeKeeper.spec(port), ph));
                }
                case "crun" -> {
                    String why = crunProblem();
                    if (why == null) {
                        bundle = CrunBundle.create(Path.of("/bin/busybox"), MEMORY, PIDS, CPUS);
                        CrunBundle b = bundle;
                        Variant crun = ph -> processOnce(b.runCommand(crunPrefix + crunIds.incrementAndGet()));
                        why = tryOnce(() -> {
                            checkOnce(b.runCommand(crunPrefix + crunIds.incrementAndGet()));
                            return null;
                        });
                        if (why == null) {
                            variants.put("crun", crun);
                        }
                    }
                    if (why != null) {
                        System.out.println("crun: skipped: " + why);
                    }
                }
                case "bwrap" -> {
                    if (onPath("bwrap")) {
                        variants.put("bwrap", ph -> processOnce(BWRAP));
                    } else {
                        System.out.println("bwrap: not installed, skipped (apt-get install -y bubblewrap)");
                    }
                }
                case "true" -> variants.put("/bin/true", ph -> processOnce("/bin/true"));
                default -> {
                    System.err.println("unknown variant " + name + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        if (keeper != null && variants.containsKey("isola-bridge-cold")) {
            System.out.println("isola-bridge-cold: skipped: it cannot run beside the warm bridge variants (run it alone)");
            variants.remove("isola-bridge-cold");
        }
        try {
            run(o, linux, variants);
        } finally {
            if (bundle != null) {
                bundle.close();
            }
            if (keeper != null) {
                keeper.close();
            }
        }
    }

    private static void run(Options o, IsolationBackend linux, Map<String, Variant> variants) throws Exception {
        String loadBefore = loadAverage();
        System.out.printf("spawn benchmark: %d iterations back to back after %d warm-up, %d with %d ms idle gaps; "
                + "launch mechanism %s, %d cpus, java %s, load average %s%n", o.iterations(), o.warmup(),
                o.gapIterations(), o.gapMs(), System.getProperty("jdk.lang.Process.launchMechanism", "POSIX_SPAWN (default)"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore);
        System.out.printf("limits of isola-limits and crun: memory %d MiB (no swap beyond it), pids %d, cpus %.1f%n",
                MEMORY >> 20, PIDS, CPUS);
        System.out.println("cgroup layout: " + linux.hostFacts().get("cgroup layout") + "; cgroup moves: "
                + linux.hostFacts().get("cgroup moves"));
        for (Variant v : variants.values()) {
            for (int i = 0; i < o.warmup(); i++) {
                v.once(null);
            }
        }
        Map<String, List<Stats>> modes = new LinkedHashMap<>();
        List<Stats> b2b = new ArrayList<>();
        for (Map.Entry<String, Variant> v : variants.entrySet()) {
            b2b.add(backToBack(v.getKey(), v.getValue(), o.iterations(), o.throughput()));
        }
        modes.put("back-to-back", b2b);
        if (variants.size() > 1) {
            // the same, with the variants taking turns run by run: a drift in the machine's speed (other
            // guests on the host, frequency) then weighs on every variant alike, which the blocks above
            // do not guarantee on a shared VM
            modes.put("interleaved", withGaps(variants, o.iterations(), 0));
        }
        if (o.gapIterations() > 0) {
            modes.put("gap-" + o.gapMs() + "ms", withGaps(variants, o.gapIterations(), o.gapMs()));
        }
        Map<String, Map<String, double[]>> ratios = new LinkedHashMap<>();
        for (Map.Entry<String, List<Stats>> m : modes.entrySet()) {
            ratios.put(m.getKey(), print(m.getKey(), m.getValue()));
        }
        long[] mem = helperMemory(linux, 20);
        System.out.printf("helper memory per live sandbox (20 sandboxes, supervisor + init): RSS %d KiB, PSS %d KiB "
                + "(goal <= 1024 KiB)%n", mem[0], mem[1]);
        String loadAfter = loadAverage();
        System.out.println("load average before " + loadBefore + ", after " + loadAfter);
        if (o.json() != null) {
            Files.writeString(Path.of(o.json()), BenchJson.render(o, modes, ratios, mem, loadBefore, loadAfter));
        }
    }

    /** @return the ratios printed for one mode: name to {p50, p99} */
    private static Map<String, double[]> print(String mode, List<Stats> all) {
        System.out.printf("%n== %s ==%n%-13s %6s %8s %8s %8s %8s %10s %10s   isola phases p50 ms (%s)%n", mode, "variant",
                "n", "p50 ms", "p90 ms", "p99 ms", "mean ms", "runs/s 1t", "runs/s 2t", String.join("/", PHASES));
        for (Stats s : all) {
            String ph = s.phaseP50 == null ? "" : Arrays.stream(s.phaseP50)
                    .mapToObj(x -> String.format(Locale.ROOT, "%.2f", x)).reduce((a, b) -> a + " / " + b).orElse("");
            System.out.printf(Locale.ROOT, "%-13s %6d %8.2f %8.2f %8.2f %8.2f %10s %10s   %s%n", s.name, s.n, s.p50,
                    s.p90, s.p99, s.mean, s.tput1 > 0 ? String.format("%.0f", s.tput1) : "-",
                    s.tput2 > 0 ? String.format("%.0f", s.tput2) : "-", ph);
        }
        Map<String, double[]> ratios = new LinkedHashMap<>();
        ratio(ratios, all, "isola-limits", "crun");
        ratio(ratios, all, "isola", "crun");
        ratio(ratios, all, "isola-limits", "isola");
        ratio(ratios, all, "isola", "bwrap");
        for (String b : new String[] {"isola-bridge", "isola-bridge-port", "isola-bridge-cold"}) {
            Stats x = find(all, b);
            Stats none = find(all, "isola");
            if (x != null && none != null) {
                System.out.printf(Locale.ROOT, "added by %-18s p50 %+.2f ms  p99 %+.2f ms%s%n", b, x.p50 - none.p50,
                        x.p99 - none.p99, b.equals("isola-bridge")
                                ? "   (goal p50 <= +10 ms: " + (x.p50 - none.p50 <= 10 ? "met)" : "NOT met)") : "");
            }
        }
        for (Map.Entry<String, double[]> r : ratios.entrySet()) {
            System.out.printf(Locale.ROOT, "ratio %-20s p50 %.2f  p99 %.2f%s%n", r.getKey(), r.getValue()[0],
                    r.getValue()[1], r.getKey().equals("isola-limits/crun")
                            ? "   (goal p50 <= 0.5: " + (r.getValue()[0] <= 0.5 ? "met)" : "NOT met)") : "");
        }
        return ratios;
    }

    private static void ratio(Map<String, double[]> out, List<Stats> all, String a, String b) {
        Stats x = find(all, a);
        Stats y = find(all, b);
        if (x != null && y != null) {
            out.put(a + "/" + b, new double[] {x.p50 / y.p50, x.p99 / y.p99});
        }
    }

    private static Stats find(List<Stats> all, String name) {
        return all.stream().filter(s -> s.name.equals(name)).findFirst().orElse(null);
    }

    /** @return why crun cannot be measured, or null */
    private static String crunProblem() {
        if (!onPath("crun")) {
            return "not installed (apt-get install -y crun)";
        }
        if (!Files.isRegularFile(Path.of("/bin/busybox"))) {
            return "/bin/busybox is missing (apt-get install -y busybox-static)";
        }
        return null;
    }

    private static String tryOnce(Callable<?> v) {
        try {
            v.call();
            return null;
        } catch (Exception e) {
            String hybrid = "";
            try {
                String c = Files.readString(Path.of("/sys/fs/cgroup/unified/cgroup.controllers")).trim();
                if (!c.isEmpty()) {
                    hybrid = "; this host's cgroup2 mount holds controllers (" + c + "), which crun refuses in hybrid "
                            + "mode: run through benchmark/run.sh, which hides /sys/fs/cgroup/unified in a private mount "
                            + "namespace";
                }
            } catch (IOException ignored) {
                // no cgroup2 mount
            }
            return e.getMessage() + hybrid;
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

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void isolaOnce(IsolationBackend linux, SandboxSpec spec, long[] phases) throws Exception {
        long t0 = System.nanoTime();
        Sandbox s = linux.create(spec);
        long t1;
        long t2;
        try {
            t1 = System.nanoTime();
            IsolatedProcess p = s.exec(ProcessSpec.builder("/bin/true").stdin(Redirect.from(DEV_NULL))
                    .stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build());
            t2 = System.nanoTime();
            if (!p.waitFor().success()) {
                throw new IllegalStateException("isola run of /bin/true failed: " + p.waitFor());
            }
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
        long t3 = System.nanoTime();
        s.close();
        long t4 = System.nanoTime();
        if (phases != null) {
            phases[0] = t1 - t0;
            phases[1] = t2 - t1;
            phases[2] = t3 - t2;
            phases[3] = t4 - t3;
        }
    }

    static void processOnce(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectInput(Redirect.from(DEV_NULL)).redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue());
        }
    }

    /** Like {@link #processOnce} but keeps stderr for the message: to find out once why a command fails. */
    static void checkOnce(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectInput(Redirect.from(DEV_NULL)).redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.PIPE).start();
        String err = new String(p.getErrorStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + err);
        }
    }

    static Stats backToBack(String name, Variant v, int n, boolean throughput) throws Exception {
        long[] t = new long[n];
        long[][] ph = new long[PHASES.length][n];
        long[] one = new long[PHASES.length];
        boolean phased = name.startsWith("isola");
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            v.once(phased ? one : null);
            t[i] = System.nanoTime() - s;
            for (int k = 0; k < one.length; k++) {
                ph[k][i] = one[k];
            }
        }
        return stats(name, t, phased ? ph : null, throughput ? throughput(v, 1, n / 2) : 0,
                throughput ? throughput(v, 2, n / 2) : 0);
    }

    /** Runs the variants in turn, sleeping {@code gapMs} (if any) before each run, so that each starts on an idle host. */
    static List<Stats> withGaps(Map<String, Variant> variants, int n, int gapMs) throws Exception {
        Map<String, long[]> t = new LinkedHashMap<>();
        Map<String, long[][]> ph = new LinkedHashMap<>();
        variants.keySet().forEach(k -> {
            t.put(k, new long[n]);
            ph.put(k, new long[PHASES.length][n]);
        });
        long[] one = new long[PHASES.length];
        for (int i = 0; i < n; i++) {
            for (Map.Entry<String, Variant> v : variants.entrySet()) {
                if (gapMs > 0) {
                    Thread.sleep(gapMs);
                }
                long s = System.nanoTime();
                v.getValue().once(one);
                t.get(v.getKey())[i] = System.nanoTime() - s;
                for (int k = 0; k < one.length; k++) {
                    ph.get(v.getKey())[k][i] = one[k];
                }
            }
        }
        List<Stats> out = new ArrayList<>();
        for (String k : variants.keySet()) {
            out.add(stats(k, t.get(k), k.startsWith("isola") ? ph.get(k) : null, 0, 0));
        }
        return out;
    }

    static Stats stats(String name, long[] t, long[][] phases, double tput1, double tput2) {
        int n = t.length;
        long[] sorted = t.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        double[] p50 = null;
        if (phases != null) {
            p50 = new double[phases.length];
            for (int k = 0; k < phases.length; k++) {
                long[] s = phases[k].clone();
                Arrays.sort(s);
                p50[k] = s[n / 2] / 1e6;
            }
        }
        return new Stats(name, n, sorted[n / 2] / 1e6, sorted[(int) (n * 0.9)] / 1e6,
                sorted[Math.min(n - 1, (int) (n * 0.99))] / 1e6, mean, tput1, tput2, p50);
    }

    static double throughput(Variant v, int threads, int runs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> work = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                work.add(() -> {
                    for (int i = 0; i < runs / threads; i++) {
                        v.once(null);
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
