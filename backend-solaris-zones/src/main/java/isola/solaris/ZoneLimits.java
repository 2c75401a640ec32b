// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.Capability;
import isola.api.Limits;
import isola.api.UnsupportedCapabilityException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps {@link Limits} to zone resource controls (resource_controls(7), zonecfg(8)): memory to
 * {@code capped-memory physical}, memory+swap to {@code capped-memory swap} ({@code zone.max-swap}:
 * anonymous memory and tmpfs), cpus to {@code capped-cpu ncpus} ({@code zone.cpu-cap} in percent of
 * one CPU), the CPU weight to {@code zone.cpu-shares}, pids to {@code zone.max-processes} and
 * {@code zone.max-lwps}. What zones cannot do fails closed.
 */
final class ZoneLimits {
    private static final long K = 1024;

    private ZoneLimits() {
    }

    /**
     * @param l the limits
     * @param host the host (FSS for CPU weights)
     * @param dedicatedCpus {@code dedicated-cpu ncpus}, or null
     * @return the mapping
     * @throws UnsupportedCapabilityException for what zones cannot honour
     */
    static Mapped map(Limits l, ZonesHost host, String dedicatedCpus) {
        String backend = SolarisZonesBackend.NAME;
        if (l.cpusetCpus() != null || l.cpusetMems() != null) {
            throw new UnsupportedCapabilityException(Capability.CPUSET, backend,
                    "zones cannot be pinned to chosen CPUs or memory nodes; give the zone CPUs of its own with "
                            + "SolarisOptions.dedicatedCpus (dedicated-cpu), which the system picks");
        }
        if (l.ioWeight() != null || !l.deviceIo().isEmpty()) {
            throw new UnsupportedCapabilityException(Capability.IO_LIMIT, backend,
                    "zones have only a relative ZFS I/O priority (zfs-io-priority), neither weights on isola's scale nor per-device rates");
        }
        ZoneConfig.CappedMemory mem = null;
        if (l.memoryBytes() != null) {
            mem = new ZoneConfig.CappedMemory(scaled(l.memoryBytes()), l.memorySwapBytes() == null ? null : scaled(l.memorySwapBytes()));
        }
        String ncpus = null;
        if (l.cpus() != null) {
            long cap = Math.round(l.cpus() * 100);
            if (cap < 1) {
                throw new UnsupportedCapabilityException(Capability.CPU_LIMIT, backend,
                        "zone.cpu-cap is a whole percentage of one CPU; " + l.cpus() + " CPUs is below 1%");
            }
            if (dedicatedCpus != null) {
                throw new UnsupportedCapabilityException(Capability.CPU_LIMIT, backend,
                        "capped-cpu and dedicated-cpu cannot be combined in one zone (zonecfg(8)); choose a quota or CPUs of its own");
            }
            ncpus = BigDecimal.valueOf(cap).movePointLeft(2).stripTrailingZeros().toPlainString();
        }
        List<ZoneConfig.Rctl> rctls = new ArrayList<>();
        if (l.cpuWeight() != null) {
            if (!host.fssDefault()) {
                throw new UnsupportedCapabilityException(Capability.CPU_WEIGHT, backend,
                        "zone.cpu-shares only apply under the Fair Share Scheduler, which is not the default class; "
                                + "run dispadmin -d FSS and reboot");
            }
            if (dedicatedCpus != null) {
                throw new UnsupportedCapabilityException(Capability.CPU_WEIGHT, backend,
                        "dedicated-cpu is incompatible with cpu-shares (zonecfg(8)); a zone with CPUs of its own needs no weight");
            }
            // FSS shares are relative like cgroup v2 weights (1..10000 fits FSS's 1..65535): kept as they are
            rctls.add(new ZoneConfig.Rctl("zone.cpu-shares", l.cpuWeight(), "none"));
        }
        if (l.pids() != null) {
            // Linux's pids.max counts threads, so both controls get the limit: every process has at least one LWP
            rctls.add(new ZoneConfig.Rctl("zone.max-processes", l.pids(), "deny"));
            rctls.add(new ZoneConfig.Rctl("zone.max-lwps", l.pids(), "deny"));
        }
        return new Mapped(mem, ncpus, dedicatedCpus, rctls);
    }

    /**
     * @param bytes a size
     * @return zonecfg's scaled form: the largest of T, G, M, K that divides it, else plain bytes
     */
    static String scaled(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (4 - i));
            if (bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }

    /**
     * @param bytes a size
     * @return it in the tmpfs {@code size=} form (mount_tmpfs(8): k, m, g suffixes), rounded up to KiB
     */
    static String tmpfsSize(long bytes) {
        long kib = (bytes + K - 1) / K;
        if (kib % (K * K) == 0) {
            return kib / (K * K) + "g";
        }
        return kib % K == 0 ? kib / K + "m" : kib + "k";
    }

    /**
     * The zonecfg side of the limits.
     *
     * @param cappedMemory the capped-memory resource, or null
     * @param cappedCpu capped-cpu ncpus, or null
     * @param dedicatedCpu dedicated-cpu ncpus, or null
     * @param rctls rctl resources
     */
    record Mapped(ZoneConfig.CappedMemory cappedMemory, String cappedCpu, String dedicatedCpu, List<ZoneConfig.Rctl> rctls) {
    }
}
