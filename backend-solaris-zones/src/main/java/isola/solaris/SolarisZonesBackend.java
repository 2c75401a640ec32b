// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.BackendUnavailableException;
import isola.api.Capability;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.spi.CapabilitySet;
import isola.spi.IsolationBackend;
import isola.spi.ProbeResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Solaris/illumos zones backend. This version is a skeleton: it is found and probed like every backend,
 * reports why it cannot run, and refuses every request before any side effect.
 */
public final class SolarisZonesBackend implements IsolationBackend {
    static final String NAME = "solaris-zones";
    static final String NOT_YET = "the Solaris/illumos zones backend is not implemented in this version of isola";
    private final String osName;
    private volatile ProbeResult probe;

    /** Cheap: the host is probed on first use. */
    public SolarisZonesBackend() {
        this(System.getProperty("os.name", ""));
    }

    SolarisZonesBackend(String osName) {
        this.osName = osName;
    }

    @Override
    public String name() {
        return "solaris-zones";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public ProbeResult probe() {
        ProbeResult p = probe;
        if (p == null) {
            p = osName.toLowerCase(Locale.ROOT).contains("sunos")
                    ? ProbeResult.unavailable(NOT_YET)
                    : ProbeResult.unavailable("not a SunOS host (os.name is " + osName + ")");
            probe = p;
        }
        return p;
    }

    @Override
    public CapabilitySet capabilities() {
        CapabilitySet.Builder b = CapabilitySet.builder();
        for (Capability c : Capability.values()) {
            b.lacks(c, probe().reason());
        }
        return b.build();
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        throw new BackendUnavailableException("backend solaris-zones is unavailable: " + probe().reason());
    }

    @Override
    public Map<String, String> hostFacts() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("os", osName + " " + System.getProperty("os.version", ""));
        return f;
    }
}
