// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import isola.api.MountSpec;
import isola.api.NetworkMode;
import isola.api.ProcessSpec;
import isola.api.SandboxSpec;
import isola.api.UserSpec;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Option parsing into a {@link SandboxSpec}, and usage errors; nothing is run. */
class RunCommandTest {
    private static final Path CWD = Path.of("/home/user/project");
    private static final Map<String, String> CALLER_ENV = Map.of("HOME", "/home/user", "EMPTY", "");

    private static SandboxSpec spec(String... args) {
        RunCommand cmd = new RunCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.sandboxSpec(CWD, CALLER_ENV);
    }

    private static ParameterException specError(String... args) {
        RunCommand cmd = new RunCommand();
        new CommandLine(cmd).parseArgs(args);
        return assertThrows(ParameterException.class, () -> cmd.sandboxSpec(CWD, CALLER_ENV));
    }

    @Test
    void defaultsAreTheSafeOnes() {
        SandboxSpec s = spec("true");
        assertTrue(s.root().isHost());
        assertTrue(s.root().readOnly());
        assertEquals(NetworkMode.NONE, s.network().mode());
        assertTrue(s.mounts().isEmpty());
        assertFalse(s.limits().any());
        assertTrue(s.security().noNewPrivileges());
        assertNull(s.security().privileges(), "no cap options: the backend's minimal default");
        ProcessSpec p = s.process();
        assertEquals(List.of("true"), p.argv());
        assertEquals("/", p.cwd());
        assertTrue(p.env().isEmpty());
        assertNull(p.user());
        assertNull(p.timeout());
        assertEquals(Redirect.INHERIT, p.stdin());
        assertEquals(Redirect.INHERIT, p.stdout());
        assertEquals(Redirect.INHERIT, p.stderr());
    }

    @Test
    void optionsEndAtTheCommand() {
        SandboxSpec s = spec("--hostname", "box", "ls", "-v", "/x:/y", "--timeout", "zz", "-e");
        assertEquals(List.of("ls", "-v", "/x:/y", "--timeout", "zz", "-e"), s.process().argv());
        assertEquals("box", s.hostname());
        assertTrue(s.mounts().isEmpty());
        assertEquals(List.of("-x", "--help"), spec("--", "-x", "--help").process().argv());
    }

    @Test
    void volumesAreResolvedAgainstTheCallersDirectory() {
        SandboxSpec s = spec("-v", "data:/data:ro", "--volume", "/srv/www:/var/www", "-v", "../other:/o:rw",
                "-v", "./x/../y:/y", "true");
        assertEquals(List.of(
                MountSpec.bind(Path.of("/home/user/project/data"), "/data", true),
                MountSpec.bind(Path.of("/home/user/other"), "/o", false),
                MountSpec.bind(Path.of("/home/user/project/y"), "/y", false),
                MountSpec.bind(Path.of("/srv/www"), "/var/www", false)), s.mounts());
    }

    @Test
    void tmpfsTakesSizeModeAndReadOnly() {
        SandboxSpec s = spec("--tmpfs", "/tmp:size=64m,mode=1777", "--tmpfs", "/run", "--tmpfs", "/cache:mode=0700",
                "--tmpfs", "/ro:ro,size=512k", "true");
        assertEquals(List.of(
                new MountSpec(MountSpec.Type.TMPFS, null, "/tmp", false, 64L << 20, 01777),
                new MountSpec(MountSpec.Type.TMPFS, null, "/run", false, 0, -1),
                new MountSpec(MountSpec.Type.TMPFS, null, "/cache", false, 0, 0700),
                new MountSpec(MountSpec.Type.TMPFS, null, "/ro", true, 512L << 10, -1)), s.mounts());
    }

    @Test
    void mountsAreOrderedParentsFirst() {
        SandboxSpec s = spec("-v", "/a:/data/sub/deeper", "--tmpfs", "/data/sub", "-v", "/b:/data", "-v", "/c:/z", "true");
        assertEquals(List.of("/data", "/z", "/data/sub", "/data/sub/deeper"),
                s.mounts().stream().map(MountSpec::destination).toList());
    }

    @Test
    void envTakesValuesOrTheCallersValue() {
        ProcessSpec p = spec("-e", "A=1", "--env", "B=x=y", "-e", "HOME", "-e", "UNSET", "-e", "EMPTY", "-e", "C=",
                "-e", "A=2", "true").process();
        assertEquals(Map.of("A", "2", "B", "x=y", "HOME", "/home/user", "EMPTY", "", "C", ""), p.env());
    }

    @Test
    void userWorkdirTimeoutAndIds() {
        SandboxSpec s = spec("-u", "1000:100", "-w", "/work", "--timeout", "1.5s", "--id", "job-1", "--net", "host",
                "true");
        assertEquals(UserSpec.of(1000, 100), s.process().user());
        assertEquals("/work", s.process().cwd());
        assertEquals(Duration.ofMillis(1500), s.process().timeout());
        assertEquals("job-1", s.id());
        assertEquals("job-1", s.hostname());
        assertEquals(NetworkMode.HOST, s.network().mode());
        SandboxSpec pod = spec("--network", "container:web-1", "true");
        assertEquals(NetworkMode.JOIN, pod.network().mode());
        assertEquals("web-1", pod.network().joinSandbox());
        assertEquals("web-1", spec("--net", "sandbox:web-1", "true").network().joinSandbox());
        assertEquals(UserSpec.named("nobody"), spec("--user", "nobody", "true").process().user());
        assertEquals(UserSpec.of(7, 7), spec("--user", "7", "true").process().user());
    }

    @Test
    void rootfsIsResolvedAndMayBeWritable() {
        SandboxSpec s = spec("--rootfs", "rootfs", "--writable", "true");
        assertEquals(Path.of("/home/user/project/rootfs"), s.root().directory());
        assertFalse(s.root().readOnly());
        assertTrue(spec("--rootfs", "/srv/root", "--read-only", "true").root().readOnly());
        assertTrue(spec("--rootfs", "/srv/root", "true").root().readOnly());
    }

    @Test
    void limitsAndPrivileges() {
        SandboxSpec s = spec("--memory", "1g", "--memory-swap", "2g", "--cpus", "0.5", "--pids-limit", "64",
                "--no-new-privs=false", "true");
        assertEquals(1L << 30, s.limits().memoryBytes());
        assertEquals(2L << 30, s.limits().memorySwapBytes());
        assertEquals(0.5, s.limits().cpus());
        assertEquals(64L, s.limits().pids());
        assertFalse(s.security().noNewPrivileges());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--cap-add NET_ADMIN | CAP_AUDIT_WRITE,CAP_KILL,CAP_NET_ADMIN,CAP_NET_BIND_SERVICE",
        "--cap-add cap_sys_ptrace --cap-drop KILL | CAP_AUDIT_WRITE,CAP_NET_BIND_SERVICE,CAP_SYS_PTRACE",
        "--cap-drop ALL | ''",
        "--cap-drop ALL --cap-add NET_RAW | CAP_NET_RAW",
        "--cap-drop CAP_AUDIT_WRITE --cap-add CAP_AUDIT_WRITE | CAP_AUDIT_WRITE,CAP_KILL,CAP_NET_BIND_SERVICE",
    })
    void capabilitiesFollowDockersRules(String options, String expected) {
        String[] opts = options.trim().split(" ");
        String[] args = java.util.Arrays.copyOf(opts, opts.length + 1);
        args[opts.length] = "true";
        Set<String> want = expected.isEmpty() ? Set.of() : Set.of(expected.split(","));
        assertEquals(want, spec(args).security().privileges());
    }

    @Test
    void capAddAllKeepsEveryCapabilityButTheDropped() {
        Set<String> caps = spec("--cap-add", "ALL", "--cap-drop", "SYS_ADMIN", "true").security().privileges();
        assertEquals(CapabilityOptions.LINUX_ALL.size() - 1, caps.size());
        assertFalse(caps.contains("CAP_SYS_ADMIN"));
        assertTrue(caps.contains("CAP_CHECKPOINT_RESTORE"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-v|/src:rel|mount destination must be an absolute path, got \"rel\"",
        "-v|/src:/a/../etc|must not contain \"..\", got \"/a/../etc\"",
        "-v|/src|'invalid --volume \"/src\": expected SRC:DST[:ro|rw]'",
        "-v|:/dst|invalid --volume \":/dst\": the source is empty",
        "-v|/s:/d:rx|unknown mode \"rx\"",
        "-v|/s:/|must not be the root",
        "--tmpfs|tmp|invalid --tmpfs \"tmp\": mount destination must be an absolute path, got \"tmp\"",
        "--tmpfs|/t:size=lots|malformed size \"lots\"",
        "--tmpfs|/t:size=0|size must be positive",
        "--tmpfs|/t:mode=999|mode must be octal such as 1777 or 0700, got \"999\"",
        "--tmpfs|/t:noexec|unknown option \"noexec\"",
        "-e|=v|invalid --env \"=v\": the variable name is empty",
        "-u|a:b:c|got \"a:b:c\"",
        "--net|bogus|unknown network mode \"bogus\"",
        "--net|join|invalid --net \"join\": network mode join needs the id of the sandbox to join",
        "--net|container:|invalid --net \"container:\": the id of the sandbox to share the network of is missing",
        "-p|80|invalid --publish \"80\": published port must be [HOSTIP:]HOSTPORT:PORT[/tcp|udp], got \"80\"",
        "-p|18080:8000|--publish needs --net bridge",
        "--ip|10.88.0.5|--ip needs --net bridge",
        "--cap-add|NET_FOO|invalid --cap-add \"NET_FOO\"",
        "--id|-bad|got \"-bad\"",
        "--hostname|a_b|hostname \"a_b\" is not a valid host name",
        "-w|relative|working directory must be absolute, got \"relative\"",
        "--writable|true|--writable needs --rootfs DIR",
    })
    void badValuesAreNamed(String option, String value, String message) {
        ParameterException e = option.equals("--writable") ? specError("--writable", "true")
                : specError(option, value, "true");
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void bridgeWithPublishedPortsAndAnAddress() {
        SandboxSpec s = spec("--net", "bridge", "-p", "18080:8000", "--publish", "127.0.0.1:5353:53/udp", "--ip",
                "10.88.0.9", "true");
        assertEquals(NetworkMode.BRIDGE, s.network().mode());
        assertEquals(List.of("10.88.0.9"), s.network().addresses());
        assertEquals(List.of(new isola.api.PortMapping(null, 18080, 8000, "tcp"),
                new isola.api.PortMapping("127.0.0.1", 5353, 53, "udp")), s.network().ports());
        assertTrue(specError("--net", "bridge", "-p", "18080:0", "true").getMessage()
                .contains("invalid --publish \"18080:0\": port must be between 1 and 65535, got 0"));
    }

    @Test
    void duplicateDestinationsAndContradictionsAreRefused() {
        assertTrue(specError("-v", "/a:/d", "--tmpfs", "/d/", "true").getMessage()
                .contains("two mounts have the same destination /d"));
        assertTrue(specError("--rootfs", "/r", "--read-only", "--writable", "true").getMessage()
                .contains("--read-only and --writable exclude each other"));
        assertTrue(specError("--memory-swap", "1g", "true").getMessage().contains("needs a memory limit"));
        assertTrue(specError("--timeout", "0s", "true").getMessage().contains("invalid --timeout \"0s\": must be positive"));
        assertTrue(specError("").getMessage().contains("command is empty"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "run|missing required parameter: 'CMD'",
        "run --timeout 10x true|malformed duration \"10x\"",
        "run --timeout 10 true|malformed duration \"10\"",
        "run --memory 1q true|malformed size \"1q\"",
        "run -v /src:relative true|got \"relative\"",
        "run -v /src:/x/../etc true|got \"/x/../etc\"",
        "run --tmpfs /a/.. true|got \"/a/..\"",
        "run --no-such-option true|unknown option: '--no-such-option'",
        "run --log-level loud true|unknown log level \"loud\"",
        "|missing command",
    })
    void usageErrorsExitWith2AndNameTheBadValue(String line, String message) {
        Cli r = Cli.run(line == null ? new String[0] : line.split(" "));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("isola: "), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertTrue(r.err().contains("--help' for more information"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anEmptyProgramNameIsAUsageError() {
        Cli r = Cli.run("run", "");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("command is empty"), r.err());
    }

    @Test
    void isolaFailingExitsWith125AndWritesTheStatusFile(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status.json");
        Cli r = Cli.run("run", "--backend", "no-such-backend", "--status-file", status.toString(), "true");
        assertEquals(ExitCodes.RUN_FAILED, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("isola: unknown backend \"no-such-backend\""), r.err());
        JsonNode json = Json.mapper().readTree(Files.readString(status));
        assertEquals(List.of("exitCode", "signal", "signalName", "timedOut", "oomKilled", "pidsLimitHit", "wallTimeMs",
                "error", "stats"), iterable(json.fieldNames()));
        assertTrue(json.get("exitCode").isNull());
        assertTrue(json.get("signal").isNull());
        assertFalse(json.get("timedOut").asBoolean());
        assertTrue(json.get("wallTimeMs").isNull());
        assertTrue(json.get("stats").isNull(), "a command that never ran has no usage");
        assertTrue(json.get("error").asText().startsWith("unknown backend"), json.toString());
        try (var left = Files.list(dir)) {
            assertEquals(List.of(status), left.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void usageErrorsAlsoWriteTheStatusFile(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status.json");
        Cli r = Cli.run("run", "--status-file", status.toString(), "-v", "/a:rel", "true");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        JsonNode json = Json.mapper().readTree(Files.readString(status));
        assertTrue(json.get("error").asText().contains("\"rel\""), json.toString());
    }

    @Test
    void anUnwritableStatusFileIsAnIsolaFailure(@TempDir Path dir) {
        Cli r = Cli.run("run", "--backend", "no-such-backend", "--status-file", dir.resolve("no/dir/s.json").toString(),
                "true");
        assertEquals(ExitCodes.RUN_FAILED, r.exitCode());
        assertTrue(r.err().contains("isola: failed to write the status file"), r.err());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
