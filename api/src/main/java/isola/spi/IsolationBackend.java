// SPDX-License-Identifier: Apache-2.0
package isola.spi;

import isola.api.Sandbox;
import isola.api.SandboxSpec;

/**
 * A way to isolate on one OS family. Found with {@link java.util.ServiceLoader}; constructors stay
 * cheap (no native loading, no probing), {@link #probe()} is lazy and cached.
 */
public interface IsolationBackend {
    /** @return the backend's name: {@code linux}, {@code freebsd-jail}, {@code solaris-zones} */
    String name();

    /** @return the preference among available backends; higher wins */
    int priority();

    /** @return whether this backend can run on this host, and why not */
    ProbeResult probe();

    /** @return what it can do on this host (all missing, with the probe's reason, when unavailable) */
    CapabilitySet capabilities();

    /**
     * Creates a sandbox. Every capability the spec needs is checked first, before any side effect.
     *
     * @param spec what to isolate
     * @return the sandbox, in state {@code CREATED}
     * @throws isola.api.UnsupportedCapabilityException when a needed capability is missing here
     * @throws isola.api.SpecValidationException when the spec names what does not exist
     */
    Sandbox create(SandboxSpec spec);

    /**
     * Creates a sandbox, telling a listener about the steps that may take long (installing or
     * cloning a template, booting). Backends whose creation is quick need not override it: by
     * default it calls {@link #create(SandboxSpec)} and reports nothing.
     *
     * @param spec what to isolate
     * @param progress told about each long step
     * @return the sandbox, in state {@code CREATED}
     */
    default Sandbox create(SandboxSpec spec, isola.api.ProgressListener progress) {
        return create(spec);
    }

    /**
     * Facts about the host to show in {@code isola features} (kernel, cgroup layout, helper path...).
     *
     * @return ordered key/value facts
     */
    default java.util.Map<String, String> hostFacts() {
        return java.util.Map.of();
    }
}
