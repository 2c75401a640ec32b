// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import isola.api.Capability;
import isola.api.ExitStatus;
import isola.api.HelperFailedException;
import isola.api.IsolationException;
import isola.api.Signal;
import isola.api.UnsupportedCapabilityException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code isola run} from spec to exit status, against {@link FakeBackend}. */
class RunExecutionTest {
    @TempDir
    Path dir;

    private final FakeBackend backend = new FakeBackend();
    private String askedFor = "unset";

    private Cli run(String... args) {
        RunCommand cmd = new RunCommand();
        cmd.backends = name -> {
            askedFor = name;
            return backend;
        };
        CommandLine cl = new CommandLine(cmd);
        FailureHandler failures = new FailureHandler();
        cl.setExecutionExceptionHandler(failures).setExitCodeExceptionMapper(failures).setParameterExceptionHandler(failures);
        return Cli.run(cl, args);
    }

    private JsonNode status() throws Exception {
        return Json.mapper().readTree(Files.readString(dir.resolve("s.json")));
    }

    private String statusFile() {
        return dir.resolve("s.json").toString();
    }

    @Test
    void returnsTheCommandsStatusAndCleansUp() throws Exception {
        backend.behaviour = p -> new ExitStatus(3, 0, false, false, false, Duration.ofMillis(1234));
        Cli r = run("--backend", "fake", "--status-file", statusFile(), "sh", "-c", "exit 3");
        assertEquals(3, r.exitCode(), r.err());
        assertEquals("", r.err());
        assertEquals("fake", askedFor);
        assertEquals(List.of("create", "exec", "stats", "close"), backend.events, "usage is read before close");
        assertEquals(List.of("sh", "-c", "exit 3"), backend.executed.argv());
        assertEquals(Redirect.INHERIT, backend.executed.stdout());
        assertEquals(backend.created.process(), backend.executed, "the process is in the spec, so create checks it");
        JsonNode s = status();
        assertEquals(3, s.get("exitCode").asInt());
        assertTrue(s.get("signal").isNull());
        assertTrue(s.get("signalName").isNull());
        assertEquals(1234, s.get("wallTimeMs").asLong());
        assertTrue(s.get("error").isNull());
    }

    @Test
    void aSignalGives128PlusItsNumber() throws Exception {
        int kill = Signal.KILL.number();
        backend.behaviour = p -> new ExitStatus(-1, kill, true, false, false, Duration.ofSeconds(1));
        Cli r = run("--timeout", "1s", "--status-file", statusFile(), "sleep", "10");
        assertEquals(128 + kill, r.exitCode());
        assertTrue(r.err().contains("isola: the command timed out after 1s and was killed"), r.err());
        JsonNode s = status();
        assertTrue(s.get("exitCode").isNull());
        assertEquals(kill, s.get("signal").asInt());
        assertEquals("SIGKILL", s.get("signalName").asText());
        assertTrue(s.get("timedOut").asBoolean());
    }

    @Test
    void limitVerdictsAreExplained() throws Exception {
        backend.behaviour = p -> new ExitStatus(-1, 9, false, true, true, Duration.ZERO);
        Cli r = run("--memory", "64m", "--pids-limit", "8", "--status-file", statusFile(), "x");
        assertTrue(r.err().contains("exceeding its memory limit"), r.err());
        assertTrue(r.err().contains("hit its process limit (--pids 8)"), r.err());
        assertTrue(status().get("oomKilled").asBoolean());
        assertTrue(status().get("pidsLimitHit").asBoolean());
    }

    @Test
    void commandNotFoundIs127AndNotExecutableIs126() throws Exception {
        backend.behaviour = p -> {
            throw new HelperFailedException("exec nope: ENOENT (no such file or directory)", "exec", 2, "ENOENT");
        };
        Cli r = run("--status-file", statusFile(), "nope");
        assertEquals(127, r.exitCode());
        assertEquals("isola: exec nope: ENOENT (no such file or directory)\n", r.err().replace("\r", ""));
        assertTrue(status().get("exitCode").isNull());
        assertEquals("exec nope: ENOENT (no such file or directory)", status().get("error").asText());
        assertEquals(List.of("create", "exec", "close"), backend.events);

        backend.events.clear();
        backend.behaviour = p -> {
            throw new HelperFailedException("exec /etc/passwd: EACCES (permission denied)", "exec", 13, "EACCES");
        };
        assertEquals(126, run("/etc/passwd").exitCode());
    }

    @Test
    void aSetupFailureIs125() {
        backend.behaviour = p -> {
            throw new HelperFailedException("mount /srv -> /data: ENOENT (no such file or directory)", "mount", 2, "ENOENT");
        };
        Cli r = run("-v", "/srv:/data", "true");
        assertEquals(125, r.exitCode());
        assertTrue(r.err().startsWith("isola: mount /srv -> /data: ENOENT"), r.err());
    }

    @Test
    void anUnsupportedCapabilityIs125AndNothingRuns() throws Exception {
        backend.onCreate = new UnsupportedCapabilityException(Capability.MEMORY_LIMIT, "fake", "no memory controller");
        Cli r = run("--memory", "1g", "--status-file", statusFile(), "true");
        assertEquals(125, r.exitCode());
        assertEquals(List.of("create"), backend.events);
        assertTrue(r.err().startsWith("isola: memory_limit is not supported by backend fake: no memory controller"), r.err());
        assertTrue(status().get("error").asText().startsWith("memory_limit is not supported"));
    }

    @Test
    void aCleanupFailureIsReportedButKeepsTheStatus() throws Exception {
        backend.onClose = new IsolationException("failed to remove /sys/fs/cgroup/isola/x: EBUSY (device or resource busy)");
        Cli r = run("--status-file", statusFile(), "true");
        assertEquals(0, r.exitCode());
        assertTrue(r.err().startsWith("isola: failed to remove /sys/fs/cgroup/isola/x: EBUSY"), r.err());
        assertEquals(0, status().get("exitCode").asInt());
        assertTrue(status().get("error").asText().contains("EBUSY"));
    }

    @Test
    void aBugIs125WithItsStackTraceOnlyWithDebug() {
        backend.onCreate = new IllegalStateException("oops");
        Cli r = run("true");
        assertEquals(125, r.exitCode());
        assertTrue(r.err().startsWith("isola: internal error: java.lang.IllegalStateException: oops"), r.err());
        assertTrue(!r.err().contains("\tat "), r.err());
        assertTrue(run("--debug", "true").err().contains("\tat "));
    }

    @Test
    void theBackendPropertyIsUsedWithoutAnOption() {
        System.setProperty("isola.backend", "from-property");
        try {
            run("true");
            assertEquals("from-property", askedFor);
        } finally {
            System.clearProperty("isola.backend");
        }
        run("true");
        assertNull(askedFor);
    }
}
