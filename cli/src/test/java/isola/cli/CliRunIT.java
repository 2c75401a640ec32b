// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The packaged CLI, run as a user runs it, with the real Linux backend. */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class CliRunIT {
    private static String jar;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void jar() {
        jar = System.getProperty("isola.cli.jar");
        assumeTrue(jar != null && Files.exists(Path.of(jar)), "the packaged cli jar (run through mvn verify)");
    }

    private static Run isola(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.lang.Process.launchMechanism=VFORK", "-jar", jar));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void mainJobPrintsTheSandboxHostnameAndOnlyItsProcesses() throws Exception {
        Run r = isola(null, "run", "--hostname", "demo", "--", "sh", "-c", "hostname; ps -e -o comm=");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("demo", "isola-spawn", "sh", "ps"), r.out().lines().map(String::strip).toList());
    }

    @Test
    void stdioPassesThroughAndExitCodesAreTheWorkloads() throws Exception {
        Run r = isola("hello\n", "run", "--", "sh", "-c", "read x; echo got $x; echo oops >&2; exit 42");
        assertEquals(new Run(42, "got hello\n", "oops\n"), r);
        assertEquals(143, isola(null, "run", "--", "sh", "-c", "kill -TERM $$").code());
    }

    @Test
    void isolaFailuresAre125To127WithAMessage() throws Exception {
        Run nf = isola(null, "run", "--", "no-such-command");
        assertEquals(127, nf.code());
        assertEquals("isola: exec no-such-command: ENOENT (command not found in the sandbox)\n", nf.err());
        assertEquals(126, isola(null, "run", "--", "/etc/passwd").code());
        Run missing = isola(null, "run", "--rootfs", "/nonexistent/rootfs", "--", "true");
        assertEquals(125, missing.code());
        assertEquals("isola: root directory /nonexistent/rootfs does not exist or is not a directory\n", missing.err());
    }

    @Test
    void badInputIsAUsageErrorNamingTheValue() throws Exception {
        Run empty = isola(null, "run");
        assertEquals(2, empty.code());
        Run dur = isola(null, "run", "--timeout", "5 parsecs", "--", "true");
        assertEquals(2, dur.code());
        assertTrue(dur.err().contains("5 parsecs"), dur.err());
        Run rel = isola(null, "run", "-v", "/tmp:data", "--", "true");
        assertEquals(2, rel.code());
        assertTrue(rel.err().contains("data"), rel.err());
        Run dots = isola(null, "run", "-v", "/tmp:/mnt/../etc", "--", "true");
        assertEquals(2, dots.code());
        assertTrue(dots.err().contains("\"..\""), dots.err());
    }

    @Test
    void volumesWorkdirEnvUserAndStatusFile(@TempDir Path dir) throws Exception {
        Path vol = Files.createDirectory(dir.resolve("vol"));
        new File(vol.toString()).setWritable(true, false);
        Path status = dir.resolve("status.json");
        Run r = isola(null, "run", "-v", vol + ":/mnt:rw", "-w", "/mnt", "-e", "GREETING=hi", "-u", "1000:1000",
                "--status-file", status.toString(), "--", "sh", "-c", "echo $GREETING $(id -u) $(pwd) > out; cat out");
        assertEquals(new Run(0, "hi 1000 /mnt\n", ""), r);
        assertEquals("hi 1000 /mnt\n", Files.readString(vol.resolve("out")));
        JsonNode st = new ObjectMapper().readTree(status.toFile());
        assertEquals(0, st.get("exitCode").asInt());
        assertTrue(st.get("signal").isNull());
        assertEquals(false, st.get("timedOut").asBoolean());
        assertTrue(st.get("wallTimeMs").asLong() >= 0);
    }

    @Test
    void timeoutKillsAndTheStatusFileSaysSo(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("s.json");
        Run r = isola(null, "run", "--timeout", "200ms", "--status-file", status.toString(), "--", "sleep", "30");
        assertEquals(137, r.code());
        JsonNode st = new ObjectMapper().readTree(status.toFile());
        assertTrue(st.get("timedOut").asBoolean());
        assertEquals(9, st.get("signal").asInt());
    }

    @Test
    void featuresTellsTheTruthAsJson() throws Exception {
        Run r = isola(null, "features", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("linux", doc.get("chosenBackend").asText());
        JsonNode linux = null;
        for (JsonNode b : doc.get("backends")) {
            if (b.get("name").asText().equals("linux")) {
                linux = b;
            }
        }
        assertNotNull(linux, r.out());
        assertTrue(linux.get("available").asBoolean());
        // As root on a host with a v1 or v2 memory controller, memory limits are honoured.
        boolean memoryController = Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))
                || Files.readString(Path.of("/sys/fs/cgroup/cgroup.controllers")).contains("memory");
        assertEquals(memoryController, containsText(linux.get("capabilities"), "MEMORY_LIMIT"), r.out());
        assertEquals(!memoryController, linux.get("missing").has("MEMORY_LIMIT"), r.out());
    }

    @Test
    void aMemoryHogIsKilledAndTheStatusSaysOomWithUsage(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("s.json");
        Run r = isola(null, "run", "--memory", "32m", "--memory-swap", "32m", "--stats", "--status-file",
                status.toString(), "--", "sh", "-c", "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived");
        assertEquals(137, r.code(), r.err());
        assertTrue(r.err().contains("isola: the command was killed for exceeding its memory limit"), r.err());
        assertTrue(r.err().matches("(?s).*isola: stats: cpu user \\d+\\.\\d\\ds sys \\d+\\.\\d\\ds, memory now \\S+ "
                + "peak \\S+, pids now \\d+, oom kills [1-9].*"), r.err());
        JsonNode st = new ObjectMapper().readTree(status.toFile());
        assertTrue(st.get("oomKilled").asBoolean(), st.toString());
        assertTrue(st.get("stats").get("memoryPeakBytes").asLong() > 16L << 20, st.toString());
        assertTrue(st.get("stats").get("memoryPeakBytes").asLong() <= 33L << 20, st.toString());
    }

    @Test
    void aForkBombHitsItsPidsLimitAndNofileIsTheWorkloadsRlimit() throws Exception {
        Run bomb = isola(null, "run", "--pids", "16", "--", "sh", "-c",
                "for i in $(seq 40); do sleep 5 & done 2>/dev/null; wait; echo done");
        assertTrue(bomb.err().contains("isola: the command hit its process limit (--pids 16)"), bomb.err());
        Run nofile = isola(null, "run", "--nofile", "77", "--", "sh", "-c", "ulimit -n; ulimit -Hn");
        assertEquals(new Run(0, "77\n77\n", ""), nofile);
    }

    @Test
    void aLimitOnAnUnknownDeviceIsRefusedBeforeAnythingRuns() throws Exception {
        Run r = isola(null, "run", "--device-read-bps", "/dev/no-such-disk:1m", "--", "touch", "/tmp/ran");
        assertEquals(125, r.code(), r.err());
        assertTrue(r.err().contains("/dev/no-such-disk"), r.err());
    }

    @Test
    void aSecondRunSharesTheNetworkOfARunningSandbox() throws Exception {
        String pod = "cli-pod-" + ProcessHandle.current().pid();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.lang.Process.launchMechanism=VFORK", "-jar", jar, "run", "--id", pod, "--",
                "busybox", "nc", "-l", "-p", "9011"));
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            Run client = null;
            for (int i = 0; i < 100; i++) {
                client = isola(null, "run", "--net", "container:" + pod, "--", "sh", "-c",
                        "echo hi | busybox nc 127.0.0.1 9011");
                if (client.code() == 0) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(0, client.code(), client.err());
            assertEquals("hi\n", new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(server.waitFor(10, TimeUnit.SECONDS));
        } finally {
            server.destroyForcibly();
        }
        Run none = isola(null, "run", "--net", "container:" + pod, "--", "true");
        assertEquals(125, none.code());
        assertTrue(none.err().contains("no running sandbox " + pod), none.err());
    }

    @Test
    void aBridgedHttpServerIsServedOnAPublishedHostPortAndLeavesNothing() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 (run-tests installs it, on the host and in the guest image)");
        assumeTrue(Files.exists(Path.of("/usr/sbin/nft")), "nft (run-tests installs nftables)");
        int port = 18080;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(port)) {
            probe.close();
        } catch (java.io.IOException busy) {
            assumeTrue(false, "host port 18080 is free");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.lang.Process.launchMechanism=VFORK", "-jar", jar, "run", "--net", "bridge", "-p", port + ":8000",
                "--", "python3", "-m", "http.server", "8000"));
        Process server = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int status = -1;
            String body = "";
            // a deadline, not a count: in the emulated guest the JVM and python3 take many seconds to start
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (status != 200 && System.nanoTime() < deadline) {
                try {
                    var c = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:" + port + "/").openConnection();
                    c.setConnectTimeout(1000);
                    c.setReadTimeout(5000);
                    status = c.getResponseCode();
                    body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException notYet) {
                    assertTrue(server.isAlive(), "isola run exited with " + (server.isAlive() ? "" : server.exitValue()));
                    Thread.sleep(50);
                }
            }
            assertEquals(200, status);
            assertTrue(body.contains("Directory listing for /"), body);
        } finally {
            server.destroy();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS));
        }
        List<String> left = List.of("?");
        // the veth pair goes with the sandbox's namespace, which the kernel tears down in the background
        for (int i = 0; i < 100 && !left.isEmpty(); i++) {
            try (var l = Files.list(Path.of("/sys/class/net"))) {
                left = l.map(p -> p.getFileName().toString()).filter(n -> n.equals("isola0") || n.matches("iv[0-9a-f]{8}"))
                        .toList();
            }
            Thread.sleep(i == 0 ? 0 : 20);
        }
        assertEquals(List.of(), left, "interfaces left");
        Process nft = new ProcessBuilder("nft", "list", "tables").redirectErrorStream(true).start();
        String tables = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        nft.waitFor();
        assertTrue(!tables.contains("isola_"), "nftables table left: " + tables);
        Path leases = Path.of("/run/isola-net/bridge-isola0");
        if (Files.isDirectory(leases)) {
            try (var l = Files.list(leases)) {
                assertEquals(List.of(), l.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lock")).toList(),
                        "address leases left");
            }
        }
        try (java.net.Socket gone = new java.net.Socket()) {
            gone.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            throw new AssertionError("host port " + port + " still answers");
        } catch (java.net.ConnectException refused) {
            // nothing publishes it any more
        }
    }

    private static boolean containsText(JsonNode array, String text) {
        for (JsonNode n : array) {
            if (n.asText().equals(text)) {
                return true;
            }
        }
        return false;
    }
}
