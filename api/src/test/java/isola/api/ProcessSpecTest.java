// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcessSpecTest {
    @Test
    void defaultPathIsRuncs() {
        assertEquals("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ProcessSpec.DEFAULT_PATH);
    }

    @Test
    void defaults() {
        ProcessSpec p = ProcessSpec.builder("echo", "hi").build();
        assertEquals(List.of("echo", "hi"), p.argv());
        assertEquals(Map.of(), p.env());
        assertEquals("/", p.cwd());
        assertNull(p.user());
        assertEquals(List.of(), p.rlimits());
        assertNull(p.umask());
        assertSame(Redirect.PIPE, p.stdin());
        assertSame(Redirect.PIPE, p.stdout());
        assertSame(Redirect.PIPE, p.stderr());
        assertNull(p.timeout());
    }

    @Test
    void builderFromList() {
        assertEquals(List.of("ls", "-l", "/"), ProcessSpec.builder(List.of("ls", "-l", "/")).build().argv());
    }

    @Test
    void argvIsCopiedAndImmutable() {
        List<String> argv = new ArrayList<>(List.of("a", "b"));
        ProcessSpec p = ProcessSpec.builder(argv).build();
        argv.add("c");
        assertEquals(List.of("a", "b"), p.argv());
        assertThrows(UnsupportedOperationException.class, () -> p.argv().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> p.env().put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> p.rlimits().clear());
    }

    @Test
    void nullArgumentIsRefused() {
        assertThrows(NullPointerException.class, () -> ProcessSpec.builder(Arrays.asList("a", null)));
    }

    @Test
    void emptyCommandIsRefused() {
        invalid(() -> ProcessSpec.builder().build(), "command is empty");
        invalid(() -> ProcessSpec.builder(List.of()).build(), "command is empty");
    }

    @Test
    void emptyProgramNameIsRefused() {
        invalid(() -> ProcessSpec.builder("", "arg").build(), "command is empty", "program name");
    }

    @Test
    void emptyLaterArgumentIsFine() {
        assertEquals(List.of("printf", ""), ProcessSpec.builder("printf", "").build().argv());
    }

    @Test
    void nulInArgumentIsRefused() {
        invalid(() -> ProcessSpec.builder("echo", "a\0b").build(), "NUL", "a\\0b");
        invalid(() -> ProcessSpec.builder("ec\0ho").build(), "NUL", "ec\\0ho");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A=B", "=", "=A", "A=", "A\0B"})
    void badEnvironmentNamesAreRefused(String name) {
        invalid(() -> ProcessSpec.builder("env").env(name, "v").build(), "environment variable",
                "\"" + name + "\"");
    }

    @Test
    void emptyEnvironmentNameIsRefused() {
        invalid(() -> ProcessSpec.builder("env").env("", "v").build(), "invalid environment variable name \"\"");
    }

    @Test
    void nulInEnvironmentValueIsRefused() {
        invalid(() -> ProcessSpec.builder("env").env("FOO", "a\0b").build(), "FOO", "NUL");
    }

    @Test
    void unusualButValidEnvironment() {
        ProcessSpec p = ProcessSpec.builder("env").env("lower_case", "").env("A B", "x=y").env("_", "/bin/env").build();
        assertEquals("", p.env().get("lower_case"));
        assertEquals("x=y", p.env().get("A B"));
    }

    @Test
    void nullEnvironmentEntriesAreRefused() {
        assertThrows(NullPointerException.class, () -> ProcessSpec.builder("env").env(null, "v"));
        assertThrows(NullPointerException.class, () -> ProcessSpec.builder("env").env("K", null));
    }

    @Test
    void environmentKeepsInsertionOrderAndLaterValuesWin() {
        Map<String, String> more = new LinkedHashMap<>();
        more.put("B", "2");
        more.put("A", "3");
        ProcessSpec p = ProcessSpec.builder("env").env("A", "1").env(more).build();
        assertEquals(List.of("A", "B"), List.copyOf(p.env().keySet()));
        assertEquals("3", p.env().get("A"));
        assertEquals("2", p.env().get("B"));
    }

    @Test
    void effectiveEnvAddsDefaultPathWhenMissing() {
        ProcessSpec p = ProcessSpec.builder("env").env("HOME", "/root").env("TERM", "dumb").build();
        Map<String, String> e = p.effectiveEnv();
        assertEquals(3, e.size());
        assertEquals(ProcessSpec.DEFAULT_PATH, e.get("PATH"));
        assertEquals("/root", e.get("HOME"));
        assertEquals("dumb", e.get("TERM"));
        assertEquals(Map.of("HOME", "/root", "TERM", "dumb"), p.env());
    }

    @Test
    void effectiveEnvOfEmptyEnvironmentIsJustPath() {
        assertEquals(Map.of("PATH", ProcessSpec.DEFAULT_PATH), ProcessSpec.builder("true").build().effectiveEnv());
    }

    @Test
    void effectiveEnvKeepsAGivenPath() {
        ProcessSpec p = ProcessSpec.builder("env").env("PATH", "/opt/bin").env("A", "1").build();
        assertEquals(Map.of("PATH", "/opt/bin", "A", "1"), p.effectiveEnv());
    }

    @Test
    void effectiveEnvKeepsAnEmptyGivenPath() {
        assertEquals(Map.of("PATH", ""), ProcessSpec.builder("env").env("PATH", "").build().effectiveEnv());
    }

    @Test
    void pathIsCaseSensitive() {
        ProcessSpec p = ProcessSpec.builder("env").env("path", "/x").build();
        assertEquals(Map.of("PATH", ProcessSpec.DEFAULT_PATH, "path", "/x"), p.effectiveEnv());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tmp", "./tmp", "", "~"})
    void relativeCwdIsRefused(String cwd) {
        invalid(() -> ProcessSpec.builder("pwd").cwd(cwd).build(), "working directory", "absolute", "\"" + cwd + "\"");
    }

    @Test
    void nulInCwdIsRefused() {
        // argv and env are checked for NUL because the helper passes C strings; cwd is one too.
        invalid(() -> ProcessSpec.builder("pwd").cwd("/tmp\0/etc").build(), "working directory", "NUL");
    }

    @Test
    void absoluteCwd() {
        assertEquals("/var/lib", ProcessSpec.builder("pwd").cwd("/var/lib").build().cwd());
        assertThrows(NullPointerException.class, () -> ProcessSpec.builder("pwd").cwd(null));
    }

    @Test
    void umaskRange() {
        assertEquals(0, ProcessSpec.builder("x").umask(0).build().umask());
        assertEquals(022, ProcessSpec.builder("x").umask(022).build().umask());
        assertEquals(0777, ProcessSpec.builder("x").umask(0777).build().umask());
    }

    @Test
    void umaskAbove0777IsRefused() {
        invalid(() -> ProcessSpec.builder("x").umask(01000).build(), "umask", "1000");
    }

    @Test
    void negativeUmaskIsRefused() {
        invalid(() -> ProcessSpec.builder("x").umask(-1).build(), "umask", "-1");
    }

    @Test
    void timeout() {
        assertEquals(Duration.ofSeconds(5), ProcessSpec.builder("x").timeout(Duration.ofSeconds(5)).build().timeout());
        assertEquals(Duration.ofNanos(1), ProcessSpec.builder("x").timeout(Duration.ofNanos(1)).build().timeout());
        assertNull(ProcessSpec.builder("x").timeout(null).build().timeout());
    }

    @Test
    void nonPositiveTimeoutIsRefused() {
        invalid(() -> ProcessSpec.builder("x").timeout(Duration.ZERO).build(), "timeout", "positive", "PT0S");
        invalid(() -> ProcessSpec.builder("x").timeout(Duration.ofSeconds(-3)).build(), "timeout", "positive", "PT-3S");
    }

    @Test
    void rlimitsKeepTheirOrder() {
        Rlimit a = new Rlimit(RlimitType.NOFILE, 1024, 4096);
        Rlimit b = new Rlimit(RlimitType.CORE, 0, 0);
        assertEquals(List.of(a, b), ProcessSpec.builder("x").rlimit(a).rlimit(b).build().rlimits());
    }

    @Test
    void duplicateRlimitTypeIsRefused() {
        invalid(() -> ProcessSpec.builder("x")
                .rlimit(new Rlimit(RlimitType.CORE, 0, 0))
                .rlimit(new Rlimit(RlimitType.NOFILE, 64, 64))
                .rlimit(new Rlimit(RlimitType.NOFILE, 128, 128))
                .build(), "rlimit", "NOFILE");
    }

    @Test
    void inheritIoSetsAllThree() {
        ProcessSpec p = ProcessSpec.builder("x").inheritIo().build();
        assertSame(Redirect.INHERIT, p.stdin());
        assertSame(Redirect.INHERIT, p.stdout());
        assertSame(Redirect.INHERIT, p.stderr());
    }

    @Test
    void individualRedirects() {
        Redirect out = Redirect.to(Path.of("/tmp/out").toFile());
        ProcessSpec p = ProcessSpec.builder("x").stdin(Redirect.INHERIT).stdout(out).stderr(Redirect.DISCARD).build();
        assertSame(Redirect.INHERIT, p.stdin());
        assertEquals(out, p.stdout());
        assertEquals(Redirect.DISCARD, p.stderr());
        assertThrows(NullPointerException.class, () -> ProcessSpec.builder("x").stdin(null));
    }

    @Test
    void toBuilderRoundTrip() {
        ProcessSpec p = ProcessSpec.builder("sh", "-c", "echo $A")
                .env("A", "1")
                .env("PATH", "/bin")
                .cwd("/work")
                .user(new UserSpec(1000, 100, List.of(4, 27), null))
                .rlimit(new Rlimit(RlimitType.NOFILE, 256, 512))
                .rlimit(new Rlimit(RlimitType.CPU, 10, Rlimit.UNLIMITED))
                .umask(027)
                .stdin(Redirect.INHERIT)
                .stdout(Redirect.DISCARD)
                .stderr(Redirect.INHERIT)
                .timeout(Duration.ofMinutes(2))
                .build();
        ProcessSpec q = p.toBuilder().build();
        assertEquals(p.argv(), q.argv());
        assertEquals(p.env(), q.env());
        assertEquals(List.copyOf(p.env().keySet()), List.copyOf(q.env().keySet()));
        assertEquals("/work", q.cwd());
        assertEquals(p.user(), q.user());
        assertEquals(p.rlimits(), q.rlimits());
        assertEquals(027, q.umask());
        assertSame(Redirect.INHERIT, q.stdin());
        assertEquals(Redirect.DISCARD, q.stdout());
        assertSame(Redirect.INHERIT, q.stderr());
        assertEquals(Duration.ofMinutes(2), q.timeout());
    }

    @Test
    void toBuilderDoesNotAlterTheOriginal() {
        ProcessSpec p = ProcessSpec.builder("x").env("A", "1").build();
        ProcessSpec q = p.toBuilder().env("B", "2").rlimit(new Rlimit(RlimitType.CORE, 0, 0)).cwd("/tmp").build();
        assertEquals(Map.of("A", "1"), p.env());
        assertEquals(List.of(), p.rlimits());
        assertEquals("/", p.cwd());
        assertEquals(Map.of("A", "1", "B", "2"), q.env());
    }

    @Test
    void toBuilderOfDefaultsKeepsUmaskUnset() {
        assertNull(ProcessSpec.builder("x").build().toBuilder().build().umask());
    }
}
