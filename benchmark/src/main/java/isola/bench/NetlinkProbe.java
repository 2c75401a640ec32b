// SPDX-License-Identifier: Apache-2.0
package isola.bench;

import isola.linux.net.RtNetlink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The measurement behind docs/network.md: what connecting a sandbox to a bridge costs from a warm
 * JVM through rtnetlink (JNA, one RTM_NEWLINK that creates the veth pair with its peer in the
 * sandbox's namespace, enslaved and up) against iproute2 ({@code ip -batch -}, what isola uses),
 * and what deleting a pair costs either way, and how each reports a failure (a name in use).
 * Usage (root): {@code java -cp isola-benchmark.jar isola.bench.NetlinkProbe [N]}.
 */
public final class NetlinkProbe {
    private static final String BRIDGE = "isolaprobe0";

    private NetlinkProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        run("ip", "link", "add", BRIDGE, "type", "bridge");
        run("ip", "link", "set", BRIDGE, "up");
        List<Process> holders = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * n; i++) {
                holders.add(new ProcessBuilder("unshare", "--net", "sleep", "600").start());
            }
            Thread.sleep(500);
            double[] nl = new double[n];
            double[] ip = new double[n];
            double[] nlDel = new double[n];
            double[] ipDel = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                RtNetlink.send(RtNetlink.newVeth("pn" + i, "eth0", holders.get(i).pid(), BRIDGE), "add pn" + i);
                nl[i] = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                ipBatch("link add pi" + i + " type veth peer name eth0 netns " + holders.get(n + i).pid() + "\nlink set pi" + i
                        + " master " + BRIDGE + " up\n");
                ip[i] = (System.nanoTime() - t0) / 1e6;
            }
            String dupError;
            try {
                RtNetlink.send(RtNetlink.newVeth("pn0", "eth0", holders.get(0).pid(), BRIDGE), "add pn0 again");
                dupError = "netlink: no error";
            } catch (isola.api.IsolationException e) {
                dupError = "netlink: " + e.getMessage();
            }
            String dupIp = ipBatchError("link add pi0 type veth peer name eth0 netns " + holders.get(n).pid() + "\n");
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                RtNetlink.send(RtNetlink.delLink("pn" + i), "delete pn" + i);
                nlDel[i] = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                run("ip", "link", "del", "pi" + i);
                ipDel[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf(Locale.ROOT, "connect a sandbox (veth pair, peer into its netns, enslaved, up), n=%d%n", n);
            print("rtnetlink via JNA (RtNetlink)", nl);
            print("ip -batch - (ProcessBuilder)", ip);
            print("delete: rtnetlink via JNA", nlDel);
            print("delete: ip link del", ipDel);
            System.out.println("failure, name in use: " + dupError);
            System.out.println("failure, name in use: ip: " + dupIp);
        } finally {
            holders.forEach(Process::destroyForcibly);
            run("ip", "link", "del", BRIDGE);
        }
    }

    private static void print(String what, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%-32s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms%n", what, s[s.length / 2],
                s[(int) (s.length * 0.9)], s[Math.min(s.length - 1, (int) (s.length * 0.99))]);
    }

    private static void ipBatch(String script) throws Exception {
        String err = ipBatchError(script);
        if (err != null) {
            throw new IllegalStateException(err);
        }
    }

    private static String ipBatchError(String script) throws Exception {
        Process p = new ProcessBuilder("ip", "-batch", "-").redirectErrorStream(true).start();
        try (var o = p.getOutputStream()) {
            o.write(script.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 ? null : "exit " + p.exitValue() + ": " + out.replace('\n', ' ');
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }
}
