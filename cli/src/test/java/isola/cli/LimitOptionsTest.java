// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import isola.api.Limits;
import isola.api.Rlimit;
import isola.api.RlimitType;
import isola.api.SandboxStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The resource-limit flags of {@code isola run} and its {@code --stats} line, against {@link FakeBackend}. */
class LimitOptionsTest {
    @TempDir
    Path dir;

    private final FakeBackend backend = new FakeBackend();

    private Cli run(String... args) {
        RunCommand cmd = new RunCommand();
        cmd.backends = name -> backend;
        CommandLine cl = new CommandLine(cmd);
        FailureHandler failures = new FailureHandler();
        cl.setExecutionExceptionHandler(failures).setExitCodeExceptionMapper(failures).setParameterExceptionHandler(failures);
        return Cli.run(cl, args);
    }

    @Test
    void everyFlagReachesTheSpec() {
        Cli r = run("--memory", "256m", "--memory-swap", "512m", "--cpus", "0.5", "--cpu-weight", "200",
                "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "--pids", "64", "--nofile", "1024", "--io-weight", "300",
                "--device-read-bps", "/dev/vda:10m", "--device-write-bps", "/dev/vda:1m",
                "--device-write-bps", "/dev/vdb:4096", "true");
        assertEquals(0, r.exitCode(), r.err());
        Limits l = backend.created.limits();
        assertEquals(256L << 20, l.memoryBytes());
        assertEquals(512L << 20, l.memorySwapBytes());
        assertEquals(0.5, l.cpus());
        assertEquals(200, l.cpuWeight());
        assertEquals("0-1", l.cpusetCpus());
        assertEquals("0", l.cpusetMems());
        assertEquals(64L, l.pids());
        assertEquals(300, l.ioWeight());
        assertEquals(List.of(new Limits.DeviceIo("/dev/vda", 10L << 20, 1L << 20),
                new Limits.DeviceIo("/dev/vdb", null, 4096L)), l.deviceIo(),
                "a device's read and write rates become one entry");
        assertTrue(backend.executed.rlimits().contains(new Rlimit(RlimitType.NOFILE, 1024, 1024)),
                backend.executed.rlimits().toString());
    }

    @Test
    void cgroupParentReachesTheLinuxOptions() {
        assertEquals(0, run("--memory", "1m", "--cgroup-parent", "jobs/batch", "true").exitCode());
        assertEquals("jobs/batch", backend.created.linux().cgroupParent());
        assertEquals(0, run("true").exitCode());
        assertNull(backend.created.linux().cgroupParent(), "default: isola, chosen by the backend");
    }

    @Test
    void pidsLimitIsTheDockerSpellingOfPids() {
        assertEquals(0, run("--pids-limit", "7", "true").exitCode());
        assertEquals(7L, backend.created.limits().pids());
    }

    @Test
    void noFlagsMeanNoLimits() {
        assertEquals(0, run("true").exitCode());
        Limits l = backend.created.limits();
        assertNull(l.memoryBytes());
        assertNull(l.cpus());
        assertNull(l.pids());
        assertTrue(l.deviceIo().isEmpty());
        assertTrue(backend.executed.rlimits().stream().noneMatch(x -> x.type() == RlimitType.NOFILE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--cpus|abc|invalid --cpus \"abc\": expected a positive number of CPUs",
        "--cpus|0|invalid --cpus \"0\": must be a positive number",
        "--cpus|-1|invalid --cpus \"-1\": must be a positive number",
        "--cpu-weight|0|invalid --cpu-weight \"0\": must be a whole number from 1 to 10000",
        "--cpu-weight|10001|invalid --cpu-weight \"10001\": must be a whole number from 1 to 10000",
        "--io-weight|x|invalid --io-weight \"x\": expected a whole number from 1 to 10000",
        "--pids|0|invalid --pids \"0\": must be a positive number of processes",
        "--pids|many|invalid --pids \"many\": expected a positive number of processes",
        "--nofile|-5|invalid --nofile \"-5\": must be a positive number of open files",
        "--cpuset-cpus|3-1|invalid --cpuset-cpus \"3-1\"",
        "--cpuset-mems|a|invalid --cpuset-mems \"a\"",
        "--device-read-bps|/dev/vda|invalid --device-read-bps \"/dev/vda\": expected DEV:RATE",
        "--device-read-bps|vda:1m|the device must be an absolute path",
        "--device-write-bps|/dev/vda:0|the rate must be positive",
        "--device-write-bps|/dev/vda:fast|invalid --device-write-bps \"/dev/vda:fast\"",
    })
    void badValuesNameTheFlagAndRunNothing(String flag, String value, String message) {
        Cli r = run(flag, value, "true");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertTrue(backend.events.isEmpty(), "nothing is created: " + backend.events);
    }

    @Test
    void aDeviceThrottledTwiceTheSameWayIsAnError() {
        Cli r = run("--device-read-bps", "/dev/vda:1m", "--device-read-bps", "/dev/vda:2m", "true");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().contains("a rate for /dev/vda is already given"), r.err());
    }

    @Test
    void statsPrintsOneLineAndTheStatusFileCarriesTheNumbers() throws Exception {
        backend.stats = new SandboxStats(120_000_000L, 30_000_000L, 0L, 12_897_485L, 0L, 1L, 1_048_576L, null);
        Path status = dir.resolve("s.json");
        Cli r = run("--stats", "--status-file", status.toString(), "true");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("isola: stats: cpu user 0.12s sys 0.03s, memory now 0B peak 12.3MiB, pids now 0, oom kills 1, "
                + "io read 1.0MiB\n", r.err());
        JsonNode s = Json.mapper().readTree(Files.readString(status)).get("stats");
        assertEquals(120_000_000L, s.get("cpuUserNanos").asLong());
        assertEquals(12_897_485L, s.get("memoryPeakBytes").asLong());
        assertEquals(1, s.get("oomKills").asInt());
        assertTrue(s.get("ioWriteBytes").isNull(), "what the backend does not account is null, not 0");
    }

    @Test
    void statsSaysSoWhenTheBackendAccountsNothing() {
        Cli r = run("--stats", "true");
        assertEquals("isola: stats: none accounted by backend fake for this sandbox\n", r.err());
    }

    @Test
    void withoutStatsOrAStatusFileUsageIsNotRead() {
        assertEquals(0, run("true").exitCode());
        assertEquals(List.of("create", "exec", "close"), backend.events);
    }

    @Test
    void aFailureToReadUsageLeavesTheExitStatusAlone() throws Exception {
        backend.stats = null;
        backend.behaviour = p -> new isola.api.ExitStatus(4, 0, false, false, false, java.time.Duration.ZERO);
        Path status = dir.resolve("s.json");
        FakeBackend b = backend;
        b.statsFailure = new IllegalStateException("cgroup vanished");
        Cli r = run("--stats", "--status-file", status.toString(), "true");
        assertEquals(4, r.exitCode(), r.err());
        assertTrue(r.err().contains("cgroup vanished"), r.err());
        assertTrue(r.err().contains("failed to read the sandbox's resource usage: "), r.err());
        JsonNode s = Json.mapper().readTree(Files.readString(status));
        assertEquals(4, s.get("exitCode").asInt());
        assertTrue(s.get("error").asText().contains("cgroup vanished"), s.toString());
    }
}
