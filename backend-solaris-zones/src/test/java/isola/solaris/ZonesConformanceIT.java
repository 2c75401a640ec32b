// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.MountSpec;
import isola.api.SandboxSpec;
import isola.conformance.ConformanceSuite;
import isola.conformance.Probe;
import isola.spi.IsolationBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * The suite copies its probe to the host's /var/tmp, which a zone does not share (its /var is its
     * own): the probe goes to a host directory that every sandbox of the suite gets read-only at the
     * same path. The JVM itself is visible: a sparse zone has the host's /usr, where OmniOS keeps its JDKs.
     */
    @Override
    protected SandboxSpec.Builder spec() {
        return super.spec().mount(MountSpec.bind(probeDir(), probeDir().toString(), true));
    }

    @Override
    protected List<String> probeCommand() {
        List<String> argv = new ArrayList<>(super.probeCommand());
        argv.set(argv.indexOf("-cp") + 1, probeDir().toString());
        return argv;
    }

    private static Path probe;

    private static synchronized Path probeDir() {
        if (probe == null) {
            try {
                Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "isola-zones-probe");
                Path cls = dir.resolve("isola/conformance/Probe.class");
                Files.createDirectories(cls.getParent());
                try (InputStream in = Probe.class.getResourceAsStream("Probe.class")) {
                    Files.copy(in, cls);
                }
                for (Path p : List.of(dir, dir.resolve("isola"), cls.getParent(), cls)) {
                    p.toFile().setReadable(true, false);
                    p.toFile().setExecutable(true, false);
                }
                probe = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return probe;
    }

    @Override
    protected List<String> leftovers() {
        return ZonesHostState.leftovers("conf-" + ProcessHandle.current().pid() + "-");
    }
}
