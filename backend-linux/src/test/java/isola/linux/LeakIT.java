// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.IsolatedProcess;
import isola.api.Isolation;
import isola.api.MountSpec;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.spi.IsolationBackend;
import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** 1,000 sandboxes created and closed leave no descriptor, mount, thread, process or socket behind. */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class LeakIT {
    private static long count(String dir) throws Exception {
        try (var s = Files.list(Path.of(dir))) {
            return s.count();
        }
    }

    private static List<String> mounts() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo"));
    }

    private static long threads() throws Exception {
        return count("/proc/self/task");
    }

    private static void cycle(IsolationBackend linux, SandboxSpec spec, int i) throws Exception {
        try (Sandbox s = linux.create(spec)) {
            IsolatedProcess p = s.exec(ProcessSpec.builder("/bin/true").stdin(Redirect.from(new File("/dev/null")))
                    .stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build());
            assertTrue(p.waitFor().success(), "run " + i);
            if (i % 10 == 0) {
                // some runs also fail half-way, which must leave nothing either
                try {
                    s.exec(ProcessSpec.builder("/no/such/program").stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build());
                } catch (isola.api.HelperFailedException expected) {
                    // counted below through the leak checks
                }
            }
        }
    }

    @Test
    void thousandSandboxesLeaveNothing() throws Exception {
        assumeTrue(Sandboxes.isRoot(), "runs as root");
        IsolationBackend linux = Isolation.backend("linux");
        Path vol = Files.createTempDirectory("isola-leak");
        SandboxSpec spec = SandboxSpec.builder().mount(MountSpec.bind(vol, "/mnt", true)).build();
        for (int i = 0; i < 20; i++) {
            cycle(linux, spec, i);
        }
        Thread.sleep(6000); // let idle reader threads of the warm-up expire
        long fds = count("/proc/self/fd");
        List<String> mounts = mounts();
        long threads = threads();
        for (int i = 0; i < 1000; i++) {
            cycle(linux, spec, i);
        }
        assertEquals(fds, count("/proc/self/fd"), "open descriptors");
        assertEquals(mounts, mounts(), "mounts seen by the host");
        assertEquals(List.of(), Sandboxes.helperProcesses(), "helper processes");
        assertEquals(0, ProcessHandle.current().children().count(), "child processes");
        assertEquals(0, count("/run/isola/sock"), "sockets in the runtime directory");
        long deadline = System.currentTimeMillis() + 10_000;
        while (threads() > threads && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(threads() <= threads, "threads: " + threads() + " now, " + threads + " before");
        Files.delete(vol);
    }
}
