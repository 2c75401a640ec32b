// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import isola.conformance.ConformanceSuite;
import isola.linux.cgroup.CgroupMounts;
import isola.spi.IsolationBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The portable conformance suite against the Linux backend, as root. */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class LinuxConformanceIT extends ConformanceSuite {
    private static final LinuxBackend BACKEND = new LinuxBackend();

    @BeforeAll
    static void root() {
        assumeTrue(Sandboxes.isRoot(), "as root; RootlessIT covers the unprivileged caller");
    }

    @Override
    protected IsolationBackend backend() {
        return BACKEND;
    }

    @Override
    protected String where() {
        String env = System.getenv("ISOLA_CONFORMANCE_WHERE");
        if (env != null && !env.isBlank()) {
            return env;
        }
        String layout = CgroupMounts.probe().describe();
        String kind = layout.startsWith("hybrid") ? "cgroup v1 hybrid" : layout.startsWith("cgroup v2") ? "cgroup v2"
                : layout.startsWith("cgroup v1") ? "cgroup v1" : "no cgroups";
        return "Linux host (" + kind + ")";
    }

    /**
     * The init, pid 1. It is not dumpable and the workload keeps no CAP_SYS_PTRACE, so the workload
     * cannot read its /proc/1/exe: the probe sees a process without a name ("?").
     */
    @Override
    protected Set<String> backendProcessNames() {
        return Set.of("isola-spawn", "?");
    }

    @Override
    protected List<String> leftovers() {
        List<String> out = new ArrayList<>();
        Sandboxes.helperProcesses().forEach(p -> out.add("helper process " + p));
        CgroupMounts m = CgroupMounts.probe();
        String prefix = "conf-" + ProcessHandle.current().pid() + "-";
        for (String c : List.of("memory", "pids", "cpu", "cpuacct", "freezer")) {
            CgroupMounts.Location l = m.find(c);
            Path parent = l == null ? null : l.mount().resolve("isola");
            if (parent != null && Files.isDirectory(parent)) {
                try (var s = Files.list(parent)) {
                    s.filter(d -> d.getFileName().toString().startsWith(prefix)).forEach(d -> out.add("cgroup " + d));
                } catch (java.io.IOException e) {
                    out.add("unreadable " + parent);
                }
            }
        }
        return out;
    }
}
