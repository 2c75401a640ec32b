// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.HelperFailedException;
import isola.api.IsolatedProcess;
import isola.api.Limits;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Zone-specific checks on a real illumos host: what the fakes stand in for on Linux. */
@EnabledOnOs(OS.SOLARIS)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class SolarisZonesIT {
    private static final SolarisZonesBackend BACKEND = new SolarisZonesBackend();
    private static final String PREFIX = "zit-" + ProcessHandle.current().pid() + "-";

    @BeforeAll
    static void root() {
        assumeTrue(ZonesHostState.isRoot(), "zones need root in the global zone");
        assumeTrue(BACKEND.probe().available(), BACKEND.probe().reason());
    }

    private static String out(IsolatedProcess p) throws Exception {
        p.getOutputStream().close();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return s;
    }

    @Test
    void theZoneHasItsNameNodenameAndCapsAndHostileArgvArrivesIntact() throws Exception {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/printf", "[%s]\\n"));
        argv.addAll(ZoneProcessTest.HOSTILE);
        try (Sandbox s = BACKEND.create(SandboxSpec.builder().id(PREFIX + "a").hostname("zbox")
                .limits(new Limits(256L << 20, null, 0.5, null, null, null, 200L, null, List.of())).build())) {
            assertEquals(ZoneNames.zone(PREFIX + "a") + "\n", out(s.exec(ProcessSpec.builder("/usr/bin/zonename").build())));
            assertEquals("zbox\n", out(s.exec(ProcessSpec.builder("/usr/bin/hostname").build())));
            StringBuilder want = new StringBuilder();
            ZoneProcessTest.HOSTILE.forEach(a -> want.append('[').append(a).append("]\n"));
            assertEquals(want.toString(), out(s.exec(ProcessSpec.builder(argv).build())));
            assertEquals(3, s.exec(ProcessSpec.builder("/bin/sh", "-c", "exit 3").build()).waitFor().exitCode());
            String caps = out(s.exec(ProcessSpec.builder("/usr/bin/prctl", "-n", "zone.cpu-cap", "-P", "-i", "zone",
                    ZoneNames.zone(PREFIX + "a")).build()));
            assertTrue(caps.matches("(?s).*privileged\\s+50\\s.*"), caps);
            assertTrue(s.stats().memoryBytes() != null, "memory_cap kstat is read");
            assertEquals("cwd", assertThrows(HelperFailedException.class,
                    () -> s.exec(ProcessSpec.builder("/bin/true").cwd("/nonexistent").build())).step());
        }
        assertEquals(List.of(), ZonesHostState.leftovers(PREFIX));
    }
}
