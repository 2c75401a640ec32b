// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.linux.cgroup.CgroupMounts;
import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helper puts the workload in its cgroups before it runs: cloned straight into the cgroup2
 * directory (CLONE_INTO_CGROUP) and moved into each v1 hierarchy, whichever mix this host has
 * (a hybrid host has both: its cgroup2 mount holds no controller, but a directory there is a cgroup
 * all the same).
 */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class HelperCgroupIT {
    private static final Path HELPER = Path.of("target/classes/isola/linux/helper/isola-spawn-" + System.getProperty("os.arch"));

    @TempDir
    Path dir;

    @Test
    void theWorkloadStartsInTheCgroup2DirectoryAndInEachV1Hierarchy() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "cgroups are made as root");
        CgroupMounts mounts = CgroupMounts.probe();
        assumeTrue(mounts.unified() != null, "needs a cgroup2 mount: " + mounts.describe());
        String name = "isola-helper-it-" + ProcessHandle.current().pid();
        List<Path> made = new ArrayList<>();
        try {
            Path v2 = mounts.unified().resolve(name);
            Files.createDirectory(v2);
            made.add(v2);
            HelperRequest req = request();
            req.cgroup(v2.resolve("cgroup.procs").toString());
            CgroupMounts.Location pids = mounts.find("pids");
            Path v1 = null;
            if (pids != null && !pids.v2()) {
                v1 = pids.mount().resolve(name);
                Files.createDirectory(v1);
                made.add(v1);
                req.cgroup(v1.resolve("cgroup.procs").toString());
            }
            File out = dir.resolve("out").toFile();
            HelperLaunch.Started s = HelperLaunch.start(HELPER, dir, req, Redirect.PIPE, Redirect.to(out), Redirect.INHERIT);
            HelperLaunch.Status exit = HelperLaunch.read(s.channel());
            s.process().waitFor();
            HelperLaunch.closeStreams(s.process());
            s.channel().close();
            assertEquals(HelperProtocol.ST_EXIT, exit.type(), exit.toString());
            List<String> lines = Files.readAllLines(out.toPath());
            assertTrue(lines.contains("0::/" + name), "the unified hierarchy: " + lines);
            if (v1 != null) {
                String want = "pids:/" + name;
                assertTrue(lines.stream().anyMatch(l -> l.endsWith(":" + want)), "the v1 pids hierarchy: " + lines);
            }
        } finally {
            for (int i = made.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(made.get(i));
            }
        }
    }

    /** {@code cat /proc/self/cgroup} in new mount, PID, UTS and IPC namespaces on the host's root. */
    private static HelperRequest request() {
        return new HelperRequest().mode(HelperProtocol.MODE_INIT)
                .cloneFlags(HelperProtocol.CLONE_NEWNS | HelperProtocol.CLONE_NEWPID | HelperProtocol.CLONE_NEWUTS
                        | HelperProtocol.CLONE_NEWIPC)
                .flags(0).root("").arg("/bin/cat").arg("/proc/self/cgroup").env("PATH=/usr/bin:/bin").cwd("/")
                .ids(0, 0).umask(022).caps(-1L);
    }
}
