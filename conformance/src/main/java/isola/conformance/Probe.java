// SPDX-License-Identifier: Apache-2.0
package isola.conformance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a workload sees, observed from inside a sandbox and printed as one JSON object on stdout.
 * Runs in the sandbox's own JVM from the host's root (read-only), with nothing but the JDK, so it
 * means the same on every OS. Always reported: {@code hostname}, {@code uid}, {@code gid}, {@code
 * cwd}, {@code processes} (the command names this process can see), {@code interfaces}. Asked for
 * with arguments:
 * <ul>
 *   <li>{@code --env NAME}: {@code env.NAME}, the variable's value or null;
 *   <li>{@code --write PATH}: {@code write.PATH}, "ok" or the error;
 *   <li>{@code --read PATH}: {@code read.PATH}, the file's text or the error;
 *   <li>{@code --fill PATH}: {@code fill.PATH}, how many bytes could be written to PATH before an error;
 *   <li>{@code --connect HOST:PORT}: {@code connect.HOST:PORT}, "ok" or the error (2 s timeout).
 * </ul>
 */
public final class Probe {
    private Probe() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) {
        Map<String, Object> out = new TreeMap<>();
        out.put("hostname", hostname());
        out.put("uid", command("id", "-u"));
        out.put("gid", command("id", "-g"));
        out.put("cwd", System.getProperty("user.dir"));
        List<String> procs = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(h -> procs.add(h.info().command().map(c -> Path.of(c).getFileName()
                .toString()).orElse("?")));
        Collections.sort(procs);
        out.put("processes", procs);
        out.put("interfaces", interfaces());
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--env" -> out.put("env." + v, System.getenv(v));
                case "--write" -> out.put("write." + v, write(Path.of(v)));
                case "--read" -> out.put("read." + v, read(Path.of(v)));
                case "--fill" -> out.put("fill." + v, fill(Path.of(v)));
                case "--connect" -> out.put("connect." + v, connect(v));
                default -> out.put("error", "unknown probe argument " + args[i]);
            }
        }
        System.out.println(json(out));
    }

    private static String hostname() {
        String h = command("hostname");
        return h == null ? command("uname", "-n") : h;
    }

    private static String command(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? s : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static List<String> interfaces() {
        List<String> names = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                names.add(n.getName());
            }
        } catch (IOException e) {
            names.add("error: " + e);
        }
        Collections.sort(names);
        return names;
    }

    private static String write(Path p) {
        try {
            Files.writeString(p, "probe\n");
            return "ok";
        } catch (IOException | RuntimeException e) {
            return "error: " + e;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return "error: " + e;
        }
    }

    private static long fill(Path p) {
        byte[] chunk = new byte[64 * 1024];
        long n = 0;
        try (OutputStream o = Files.newOutputStream(p)) {
            while (n < (1L << 30)) {
                o.write(chunk);
                n += chunk.length;
            }
        } catch (IOException e) {
            // full: n is what fitted
        }
        return n;
    }

    private static String connect(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                    2000);
            return "ok";
        } catch (IOException | RuntimeException e) {
            return "error: " + e;
        }
    }

    /** Just enough JSON for strings, numbers, lists of strings and null. */
    static String json(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(quote(e.getKey())).append(':').append(value(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(value(o));
            }
            return sb.append(']').toString();
        }
        return quote(v.toString());
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
