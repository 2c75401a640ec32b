// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.Capability;
import isola.api.IsolationException;
import isola.api.Limits;
import isola.api.UnsupportedCapabilityException;
import isola.spi.HostCommands;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes the limits of a booted zone without a reboot (resource_controls(7), prctl(1),
 * rcapadm(8)): the physical memory cap with {@code rcapadm -z}, which sets or removes (0) it
 * whether or not the zone had one; {@code zone.max-swap}, {@code zone.cpu-cap},
 * {@code zone.cpu-shares}, {@code zone.max-processes} and {@code zone.max-lwps} by replacing their
 * privileged value with {@code prctl -r}, which needs the value the zone was configured with —
 * so those change live only when the sandbox was created with that limit. Every command has
 * its inverse, run newest first when a later one fails.
 */
final class ZoneLiveLimits {
    static final String PRCTL = "/usr/bin/prctl";
    static final String RCAPADM = "/usr/sbin/rcapadm";

    private ZoneLiveLimits() {
    }

    /**
     * One command that changes one limit, and the one that puts it back.
     *
     * @param apply the change
     * @param undo its inverse
     */
    record Step(List<String> apply, List<String> undo) {
    }

    /**
     * The commands for a change, checked whole before any runs.
     *
     * @param zone the zone's name
     * @param current the limits in force
     * @param changes what to change
     * @param host the host (FSS for weights)
     * @param dedicatedCpus the zone's dedicated-cpu, or null
     * @return the steps, in order
     * @throws UnsupportedCapabilityException for what zones cannot do, or cannot do live
     */
    static List<Step> plan(String zone, Limits current, Limits changes, ZonesHost host, String dedicatedCpus) {
        Limits after = current.with(changes);
        ZoneLimits.map(after, host, dedicatedCpus); // what a zone cannot do at all fails as at creation
        List<Step> steps = new ArrayList<>();
        if (changes.memoryBytes() != null) {
            steps.add(new Step(rcapadm(zone, after.memoryBytes()), rcapadm(zone, current.memoryBytes())));
        }
        if (changes.memorySwapBytes() != null) {
            requireConfigured(current.memorySwapBytes(), Capability.MEMORY_SWAP_LIMIT, "capped-memory swap", "memory+swap");
            steps.add(replace(zone, "zone.max-swap", after.memorySwapBytes(), current.memorySwapBytes()));
        }
        if (changes.cpus() != null) {
            requireConfigured(current.cpus(), Capability.CPU_LIMIT, "capped-cpu", "cpus");
            steps.add(replace(zone, "zone.cpu-cap", Math.round(after.cpus() * 100), Math.round(current.cpus() * 100)));
        }
        if (changes.cpuWeight() != null) {
            requireConfigured(current.cpuWeight(), Capability.CPU_WEIGHT, "zone.cpu-shares", "cpu weight");
            steps.add(replace(zone, "zone.cpu-shares", after.cpuWeight(), current.cpuWeight()));
        }
        if (changes.pids() != null) {
            requireConfigured(current.pids(), Capability.PIDS_LIMIT, "zone.max-processes and zone.max-lwps", "pids");
            steps.add(replace(zone, "zone.max-processes", after.pids(), current.pids()));
            steps.add(replace(zone, "zone.max-lwps", after.pids(), current.pids()));
        }
        return steps;
    }

    /**
     * Runs the steps; when one fails, runs the inverses of those done, newest first.
     *
     * @param host where
     * @param steps what
     * @throws IsolationException naming the command that failed and its message
     */
    static void apply(HostCommands host, List<Step> steps) {
        List<Step> done = new ArrayList<>();
        for (Step s : steps) {
            HostCommands.Result r = host.run(s.apply(), null, HostCommands.DEFAULT_TIMEOUT);
            if (!r.ok()) {
                IsolationException e = new IsolationException("changing the zone's limits failed, the ones already "
                        + "changed were put back: " + r.describe());
                for (int i = done.size() - 1; i >= 0; i--) {
                    HostCommands.Result back = host.run(done.get(i).undo(), null, HostCommands.DEFAULT_TIMEOUT);
                    if (!back.ok()) {
                        e.addSuppressed(new IsolationException("could not put back: " + back.describe()));
                    }
                }
                throw e;
            }
            done.add(s);
        }
    }

    private static void requireConfigured(Object configured, Capability c, String control, String limit) {
        if (configured == null) {
            throw new UnsupportedCapabilityException(c, SolarisZonesBackend.NAME, "the zone was configured without "
                    + control + ", and prctl -r can only replace a value the zone has; create the sandbox with a "
                    + limit + " limit (any value) to change it live");
        }
    }

    private static Step replace(String zone, String rctl, long value, long old) {
        return new Step(prctl(zone, rctl, value), prctl(zone, rctl, old));
    }

    private static List<String> prctl(String zone, String rctl, long value) {
        return List.of(PRCTL, "-n", rctl, "-t", "privileged", "-v", Long.toString(value), "-r", "-i", "zone", zone);
    }

    /** {@code rcapadm -z ZONE -m SIZE}; a null size removes the cap (0). */
    private static List<String> rcapadm(String zone, Long bytes) {
        return List.of(RCAPADM, "-z", zone, "-m", bytes == null ? "0" : ZoneLimits.scaled(bytes));
    }
}
