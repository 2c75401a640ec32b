// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.conformance.ConformanceSuite;
import isola.spi.IsolationBackend;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The portable conformance suite against the FreeBSD jail backend, as root, in the Vagrant FreeBSD machine. */
@EnabledOnOs(OS.FREEBSD)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class FreeBsdConformanceIT extends ConformanceSuite {
    private static final FreeBsdJailBackend BACKEND = new FreeBsdJailBackend();

    @BeforeAll
    static void root() {
        assumeTrue(FreeBsdHostState.isRoot(), "jails need root");
        assumeTrue(BACKEND.probe().available(), BACKEND.probe().reason());
    }

    @Override
    protected IsolationBackend backend() {
        return BACKEND;
    }

    @Override
    protected String where() {
        String env = System.getenv("ISOLA_CONFORMANCE_WHERE");
        return env != null && !env.isBlank() ? env : "FreeBSD " + BACKEND.host().osrelease();
    }

    /** isola-jexec stays in the jail as the workload's supervisor and reaper. */
    @Override
    protected Set<String> backendProcessNames() {
        return Set.of("isola-jexec");
    }

    @Override
    protected List<String> leftovers() {
        return FreeBsdHostState.leftovers("conf-" + ProcessHandle.current().pid() + "-");
    }
}
