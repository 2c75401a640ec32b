// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.ExitStatus;
import isola.api.HelperFailedException;
import isola.api.IsolatedProcess;
import isola.api.Limits;
import isola.api.MountSpec;
import isola.api.NetworkSpec;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Jail-specific checks on a real FreeBSD host, as root (the Vagrant freebsd machine). */
@EnabledOnOs(OS.FREEBSD)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class FreeBsdJailIT {
    private static final FreeBsdJailBackend BACKEND = new FreeBsdJailBackend();
    private static final String PREFIX = "isola-it-" + ProcessHandle.current().pid() + "-";
    private static final AtomicInteger N = new AtomicInteger();

    @TempDir
    Path tmp;

    @BeforeAll
    static void available() {
        assumeTrue(FreeBsdHostState.isRoot(), "jails need root");
        assumeTrue(BACKEND.probe().available(), BACKEND.probe().reason());
    }

    @AfterAll
    static void nothingLeft() {
        assertEquals(List.of(), FreeBsdHostState.leftovers(PREFIX));
    }

    private static SandboxSpec.Builder spec() {
        return SandboxSpec.builder().id(PREFIX + N.incrementAndGet());
    }

    private static String out(Sandbox s, String... argv) throws Exception {
        IsolatedProcess p = s.exec(ProcessSpec.builder(argv).build());
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ExitStatus st = p.waitFor();
        assertEquals(0, st.exitCode(), o);
        return o.strip();
    }

    @Test
    void runsInAJailWithItsHostname() throws Exception {
        try (Sandbox s = BACKEND.create(spec().hostname("jailed").build())) {
            assertEquals("jailed", out(s, "hostname"));
            assertEquals("1", out(s, "sysctl", "-n", "security.jail.jailed"));
        }
    }

    @Test
    void exitCodesAndHelperFailuresAreDistinct() throws Exception {
        try (Sandbox s = BACKEND.create(spec().build())) {
            assertEquals(3, s.exec(ProcessSpec.builder("sh", "-c", "exit 3").build()).waitFor().exitCode());
            var e = assertThrows(HelperFailedException.class, () -> s.exec(ProcessSpec.builder("/nonexistent").build()));
            assertTrue(e.commandNotFound(), e.getMessage());
        }
    }

    @Test
    void networkNoneHasOnlyLoopback() throws Exception {
        try (Sandbox s = BACKEND.create(spec().network(NetworkSpec.NONE).build())) {
            assertEquals("lo0", out(s, "ifconfig", "-l"));
        }
    }

    @Test
    void volumesAndTmpfsAreMountedAndUndone() throws Exception {
        Files.writeString(tmp.resolve("f"), "hello");
        String id;
        try (Sandbox s = BACKEND.create(spec().mount(MountSpec.bind(tmp, "/mnt", true)).build())) {
            id = s.id();
            assertEquals("hello", out(s, "cat", "/mnt/f"));
            assertEquals(1, s.exec(ProcessSpec.builder("sh", "-c", "touch /mnt/g").build()).waitFor().exitCode());
        }
        assertEquals(List.of(), FreeBsdHostState.leftovers(id));
    }

    @Test
    void memoryLimitIsAnRctlRuleRemovedOnClose() throws Exception {
        assumeTrue(BACKEND.host().racct(), "needs kern.racct.enable=1 (loader tunable + reboot)");
        String id;
        try (Sandbox s = BACKEND.create(spec().limits(new Limits(64L << 20, null, null, null, null, null, 50L, null, List.of())).build())) {
            id = s.id();
            assertTrue(FreeBsdHostState.run("/usr/bin/rctl").contains("jail:" + id + ":memoryuse:sigkill=67108864"));
            assertTrue(s.stats().pids() != null);
        }
        assertEquals(List.of(), FreeBsdHostState.leftovers(id));
    }

    @Test
    void aNameIsReusableRightAfterClose() throws Exception {
        SandboxSpec sp = spec().build();
        for (int i = 0; i < 3; i++) {
            try (Sandbox s = BACKEND.create(sp)) {
                out(s, "true");
            }
        }
    }
}
