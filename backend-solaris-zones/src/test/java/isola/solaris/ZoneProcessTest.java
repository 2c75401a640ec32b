// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.Capability;
import isola.api.ExitStatus;
import isola.api.HelperFailedException;
import isola.api.ProcessSpec;
import isola.api.Rlimit;
import isola.api.RlimitType;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import isola.api.UserSpec;
import isola.spi.ProcessHostCommands;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zlogin's command line run for real by the host's POSIX shell: a stand-in zlogin does what
 * zlogin(1) documents for a non-interactive command (joins its arguments into one string for a
 * shell) without entering a zone, so quoting, cwd, umask, rlimits, env and the entry channel are
 * tested end to end on Linux.
 */
class ZoneProcessTest {
    @TempDir
    Path tmp;
    private String zlogin;
    private String failingZlogin;

    @BeforeEach
    void fakeZlogin() throws IOException {
        zlogin = script("zlogin", "[ \"$1\" = -S ] || exit 2\nshift 2\nexec /bin/sh -c \"$*\"\n");
        // zlogin(1): status 1 and a message when the zone cannot be entered
        failingZlogin = script("zlogin-down", "echo 'zlogin: login allowed only to running zones (isola-x is \"installed\").' >&2\nexit 1\n");
    }

    private String script(String name, String body) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p.toString();
    }

    private record Out(ExitStatus status, String out, String err) {
    }

    private Out run(ProcessSpec ps) throws Exception {
        ZoneProcess p = ZoneProcess.start(zlogin, "isola-x", ps, true, new ProcessHostCommands());
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Out(p.waitFor(), out, err);
    }

    static final List<String> HOSTILE = List.of("a'b", "$(touch PWNED1)", "; touch PWNED2", "line1\nline2", "`touch PWNED3`",
            "*", "", "\\", "-n", "\"", "'\\''", "$HOME", "a b  c", "|| touch PWNED4 &", "#");

    @Test
    void hostileArgumentsReachTheProgramAsTheyAreAndNothingElseRuns() throws Exception {
        Path cwd = Files.createDirectories(tmp.resolve("work dir 'q' $(x)"));
        List<String> argv = new java.util.ArrayList<>(List.of("/usr/bin/printf", "[%s]\\n"));
        argv.addAll(HOSTILE);
        Out o = run(ProcessSpec.builder(argv).cwd(cwd.toString()).build());
        StringBuilder want = new StringBuilder();
        HOSTILE.forEach(a -> want.append('[').append(a).append("]\n"));
        assertEquals(want.toString(), o.out());
        assertEquals(0, o.status().exitCode());
        try (var s = Files.list(cwd)) {
            assertEquals(List.of(), s.toList(), "no command hidden in an argument ran");
        }
    }

    @Test
    void hostileEnvironmentValuesAndNamesArePassedAsTheyAreAndOnlyThem() throws Exception {
        Path cwd = Files.createDirectories(tmp.resolve("w"));
        Out o = run(ProcessSpec.builder("/usr/bin/env").cwd(cwd.toString())
                .env("EVIL", "$(touch PWNED)'\"`x`;\nsecond line").env("PATH", "/usr/bin:/bin").env("A B", "c").build());
        assertEquals("EVIL=$(touch PWNED)'\"`x`;\nsecond line\nPATH=/usr/bin:/bin\nA B=c\n", o.out());
        try (var s = Files.list(cwd)) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void cwdUmaskRlimitsAndStdinAreHonoured() throws Exception {
        Path cwd = Files.createDirectories(tmp.resolve("d"));
        Out o = run(ProcessSpec.builder("/bin/sh", "-c", "pwd; umask; ulimit -S -n; ulimit -H -n").cwd(cwd.toString()).umask(027)
                .rlimit(new Rlimit(RlimitType.NOFILE, 100, 200)).build());
        assertEquals(cwd + "\n0027\n100\n200\n", o.out());

        ZoneProcess p = ZoneProcess.start(zlogin, "isola-x", ProcessSpec.builder("/bin/cat").build(), true, new ProcessHostCommands());
        try (OutputStream in = p.getOutputStream()) {
            in.write("streamed\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("streamed\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, p.waitFor().exitCode());
        assertTrue(p.pid() > 0);
    }

    @Test
    void theWorkloadsOwnStatusIsNeverTakenForAFailureToEnter() throws Exception {
        Out o = run(ProcessSpec.builder("/bin/sh", "-c", "echo out; echo err >&2; exit 1").build());
        assertEquals(1, o.status().exitCode(), "exit 1 of the workload is a status, not an exception");
        assertEquals("out\n", o.out(), "the marker is stripped");
        assertEquals("err\n", o.err());

        HelperFailedException e = assertThrows(HelperFailedException.class,
                () -> ZoneProcess.start(failingZlogin, "isola-x", ProcessSpec.builder("/bin/true").build(), true, new ProcessHostCommands()));
        assertEquals("zlogin", e.step());
        assertTrue(e.getMessage().startsWith("could not enter zone isola-x (zlogin exit status 1): zlogin: login allowed only"), e.getMessage());
    }

    @Test
    void aStepBeforeTheExecFailsAsThatStep() {
        HelperFailedException e = assertThrows(HelperFailedException.class, () -> ZoneProcess.start(zlogin, "isola-x",
                ProcessSpec.builder("/bin/true").cwd("/nonexistent/it's").build(), true, new ProcessHostCommands()));
        assertEquals("cwd", e.step());
        assertTrue(e.getMessage().endsWith("isola: cwd: cannot change to directory /nonexistent/it's"), e.getMessage());

        e = assertThrows(HelperFailedException.class, () -> ZoneProcess.start(zlogin, "isola-x",
                ProcessSpec.builder("/bin/true").user(UserSpec.named("no-such-user-isola")).build(), true, new ProcessHostCommands()));
        assertEquals("user", e.step());
        assertTrue(e.getMessage().contains("no user no-such-user-isola in the zone"), e.getMessage());
    }

    @Test
    void aMissingProgramIsTheShellsStatus127() throws Exception {
        assertEquals(127, run(ProcessSpec.builder("/nonexistent/prog").build()).status().exitCode());
    }

    @Test
    void theScriptForAnotherUserRunsAFileSoTheLoginShellParsesNoValue() {
        List<String> argv = ZloginScript.argv("isola-x", ProcessSpec.builder("id").user(new UserSpec(1000, 1000, List.of(), null)).build(),
                "00", true);
        assertEquals(List.of("/usr/sbin/zlogin", "-S", "isola-x"), argv.subList(0, 3));
        String s = argv.get(3);
        assertTrue(s.startsWith("e=$(/usr/bin/getent passwd '1000') ||"), s);
        assertTrue(s.contains("[ \"$g\" = 1000 ]"), s);
        assertTrue(s.endsWith("exec /usr/bin/su \"$u\" -c \"/bin/sh $f\"\n"), s);
        assertTrue(s.contains("/usr/bin/ppriv -s L=basic $$"), "a non-root user gets no new privileges: " + s);
        String root = ZloginScript.argv("isola-x", ProcessSpec.builder("id").build(), "00", true).get(3);
        assertFalse(root.contains("ppriv") || root.contains("su "), root);
    }

    @Test
    void whatZloginCannotDoIsRefused() {
        assertEquals(Capability.SUPPLEMENTARY_GROUPS, assertThrows(UnsupportedCapabilityException.class, () -> ZloginScript.argv("z",
                ProcessSpec.builder("id").user(new UserSpec(1, 1, List.of(5), null)).build(), "00", true)).capability());
        assertEquals(Capability.RLIMITS, assertThrows(UnsupportedCapabilityException.class, () -> ZloginScript.argv("z",
                ProcessSpec.builder("id").rlimit(new Rlimit(RlimitType.NPROC, 1, 1)).build(), "00", true)).capability());
        assertThrows(SpecValidationException.class, () -> ZloginScript.argv("z", ProcessSpec.builder("-x").build(), "00", true));
    }

    @Test
    void quotingFollowsPosixSingleQuotes() {
        assertEquals("'a'\\''b'", ZloginScript.quote("a'b"));
        assertEquals("''", ZloginScript.quote(""));
        assertEquals("'$(x)\n'", ZloginScript.quote("$(x)\n"));
        assertEquals(new String[] {"-f", "2", "unlimited"}[2], ZloginScript.ulimit(new Rlimit(RlimitType.FSIZE, 1024, Rlimit.UNLIMITED))[2]);
        assertEquals("2", ZloginScript.ulimit(new Rlimit(RlimitType.FSIZE, 1024, Rlimit.UNLIMITED))[1], "512-byte blocks");
        assertEquals("4", ZloginScript.ulimit(new Rlimit(RlimitType.STACK, 4096, 8192))[1], "KiB");
    }
}
