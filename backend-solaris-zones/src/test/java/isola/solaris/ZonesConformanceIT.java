// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.conformance.ConformanceSuite;
import isola.spi.IsolationBackend;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The portable conformance suite against the zones backend, as root in the global zone of the
 * Vagrant OmniOS machine (OS.SOLARIS matches SunOS, so illumos counts). Creating a zone takes
 * seconds (clone and boot) and the first one minutes (the template's install).
 */
@EnabledOnOs(OS.SOLARIS)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class ZonesConformanceIT extends ConformanceSuite {
    private static final SolarisZonesBackend BACKEND = new SolarisZonesBackend();

    @BeforeAll
    static void root() {
        assumeTrue(ZonesHostState.isRoot(), "zones need root in the global zone");
        assumeTrue(BACKEND.probe().available(), BACKEND.probe().reason());
    }

    @Override
    protected IsolationBackend backend() {
        return BACKEND;
    }

    @Override
    protected String where() {
        String env = System.getenv("ISOLA_CONFORMANCE_WHERE");
        return env != null && !env.isBlank() ? env : BACKEND.facts().release();
    }

    @Override
    protected List<String> leftovers() {
        return ZonesHostState.leftovers("conf-" + ProcessHandle.current().pid() + "-");
    }
}
