// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.IsolatedProcess;
import isola.api.IsolationException;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SandboxState;
import isola.api.SandboxStats;
import isola.api.Signal;
import isola.spi.HostCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A sandbox that is a booted zone: processes enter with zlogin ({@link ZoneProcess}), close halts,
 * uninstalls and deletes the zone and undoes the host-side network.
 */
final class ZonesSandbox implements Sandbox {
    private final SolarisZonesBackend backend;
    private final SandboxSpec spec;
    private final SolarisZone zone;
    private final List<ZoneProcess> processes = new ArrayList<>();
    private boolean closed;
    /** The limits in force: the spec's, as changed by {@link #updateLimits}. */
    private isola.api.Limits limits;

    ZonesSandbox(SolarisZonesBackend backend, SandboxSpec spec, SolarisZone zone) {
        this.backend = backend;
        this.spec = spec;
        this.zone = zone;
        this.limits = spec.limits();
    }

    SolarisZone zone() {
        return zone;
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public SandboxSpec spec() {
        return spec;
    }

    @Override
    public String backend() {
        return SolarisZonesBackend.NAME;
    }

    @Override
    public synchronized SandboxState state() {
        if (closed) {
            return SandboxState.CLOSED;
        }
        if (processes.isEmpty()) {
            return SandboxState.CREATED;
        }
        return processes.stream().anyMatch(ZoneProcess::isAlive) ? SandboxState.RUNNING : SandboxState.STOPPED;
    }

    @Override
    public synchronized IsolatedProcess exec(ProcessSpec ps) {
        if (closed) {
            throw new IsolationException("sandbox " + id() + " is closed");
        }
        backend.capabilities().require(SolarisZonesBackend.NAME, SandboxSpec.process(ps));
        ZoneProcess p = ZoneProcess.start(backend.zlogin(), zone.name(), ps, spec.security().noNewPrivileges(), backend.host());
        processes.add(p);
        return p;
    }

    /**
     * Changes the zone's limits live ({@link ZoneLiveLimits}): rcapadm for the physical memory cap,
     * prctl -r for the resource controls the zone was configured with.
     */
    @Override
    public synchronized isola.api.Limits updateLimits(isola.api.Limits changes) {
        if (closed) {
            throw new IsolationException("sandbox " + id() + " is closed");
        }
        backend.capabilities().require(SolarisZonesBackend.NAME, java.util.Set.of(isola.api.Capability.LIVE_LIMIT_UPDATE));
        List<ZoneLiveLimits.Step> steps = ZoneLiveLimits.plan(zone.name(), limits, changes, backend.facts(),
                spec.solaris().dedicatedCpus());
        ZoneLiveLimits.apply(backend.host(), steps);
        limits = limits.with(changes);
        return limits;
    }

    /** Signals the processes isola started (not the zone's own services, which halt stops at close). */
    @Override
    public synchronized void kill(Signal signal) {
        if (!closed) {
            processes.forEach(p -> p.kill(signal));
        }
    }

    @Override
    public SandboxStats stats() {
        HostCommands host = backend.host();
        Optional<ZoneEntry> z;
        try {
            z = new ZoneAdmin(host).find(zone.name());
        } catch (IsolationException e) {
            return SandboxStats.NONE;
        }
        if (z.isEmpty() || z.get().id() < 0) {
            return SandboxStats.NONE;
        }
        HostCommands.Result r = host.run(ZoneUsage.command(z.get().id()).toArray(String[]::new));
        // kstat exits 1 when one of the names matched nothing (no memory cap): the rest is still printed
        return ZoneUsage.parse(r.stdout());
    }

    @Override
    public void close() {
        List<ZoneProcess> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(processes);
        }
        try {
            zone.destroy();
        } finally {
            all.forEach(ZoneProcess::reap);
        }
    }
}
