// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.util.List;

/**
 * Resource limits for the whole sandbox (all its processes together). A null field means "no
 * limit"; a non-null field is a request the backend must honour or refuse.
 *
 * @param memoryBytes memory limit in bytes
 * @param memorySwapBytes memory plus swap limit in bytes (at least {@code memoryBytes})
 * @param cpus CPU quota as a fraction of CPUs (0.5 = half a CPU)
 * @param cpuWeight relative CPU weight, 1..10000 (cgroup v2 scale; 100 is the default)
 * @param cpusetCpus CPUs to run on, in list form such as {@code 0-1,3}
 * @param cpusetMems memory nodes, in list form
 * @param pids the most processes (and threads) the sandbox may have
 * @param ioWeight relative block I/O weight, 1..10000
 * @param deviceIo per-device I/O throttles
 */
public record Limits(Long memoryBytes, Long memorySwapBytes, Double cpus, Integer cpuWeight, String cpusetCpus,
        String cpusetMems, Long pids, Integer ioWeight, List<DeviceIo> deviceIo) {
    /** No limits. */
    public static final Limits NONE = new Limits(null, null, null, null, null, null, null, null, List.of());

    /**
     * A per-device I/O throttle.
     *
     * @param device the device path on the host, e.g. {@code /dev/vda}
     * @param readBps read bytes per second, null for none
     * @param writeBps write bytes per second, null for none
     */
    public record DeviceIo(String device, Long readBps, Long writeBps) {
        /** Validates. */
        public DeviceIo {
            if (device == null || !device.startsWith("/")) {
                throw new SpecValidationException("I/O throttle device must be an absolute path, got \"" + device + "\"");
            }
            if ((readBps != null && readBps <= 0) || (writeBps != null && writeBps <= 0)) {
                throw new SpecValidationException("I/O throttle rate for " + device + " must be positive, got " + (readBps != null && readBps <= 0 ? readBps : writeBps));
            }
        }
    }

    /** Validates. */
    public Limits {
        deviceIo = List.copyOf(deviceIo == null ? List.of() : deviceIo);
        positive("memory limit", memoryBytes);
        positive("memory+swap limit", memorySwapBytes);
        positive("pids limit", pids);
        if (memorySwapBytes != null && (memoryBytes == null || memorySwapBytes < memoryBytes)) {
            throw new SpecValidationException("memory+swap limit " + memorySwapBytes
                    + " needs a memory limit no larger than it");
        }
        if (cpus != null && (!(cpus > 0) || cpus.isInfinite())) {
            throw new SpecValidationException("cpus must be a positive number, got " + cpus);
        }
        if (cpuWeight != null && (cpuWeight < 1 || cpuWeight > 10000)) {
            throw new SpecValidationException("cpu weight must be between 1 and 10000, got " + cpuWeight);
        }
        if (ioWeight != null && (ioWeight < 1 || ioWeight > 10000)) {
            throw new SpecValidationException("io weight must be between 1 and 10000, got " + ioWeight);
        }
        cpuList("cpuset cpus", cpusetCpus);
        cpuList("cpuset mems", cpusetMems);
    }

    private static void positive(String what, Long v) {
        if (v != null && v <= 0) {
            throw new SpecValidationException(what + " must be positive, got " + v);
        }
    }

    private static void cpuList(String what, String list) {
        if (list != null && !list.matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) {
            throw new SpecValidationException(what + " must be a list such as 0-1,3, got \"" + list + "\"");
        }
        if (list != null) {
            for (String range : list.split(",")) {
                String[] ends = range.split("-");
                if (ends.length == 2 && new java.math.BigInteger(ends[0]).compareTo(new java.math.BigInteger(ends[1])) > 0) {
                    throw new SpecValidationException(what + " range " + range + " is reversed in \"" + list + "\"");
                }
            }
        }
    }

    /**
     * These limits with {@code changes} applied: each limit set there replaces this one's; a null
     * field (an empty device list) keeps this one's. Device throttles are replaced per device.
     *
     * @param changes the limits to change
     * @return the limits after the change, validated as a whole
     * @throws SpecValidationException when the result is not valid (say, a memory limit above the
     *     memory+swap limit)
     */
    public Limits with(Limits changes) {
        java.util.Map<String, DeviceIo> devices = new java.util.LinkedHashMap<>();
        for (DeviceIo d : deviceIo) {
            devices.put(d.device(), d);
        }
        for (DeviceIo d : changes.deviceIo()) {
            devices.put(d.device(), d);
        }
        return new Limits(pick(changes.memoryBytes, memoryBytes), pick(changes.memorySwapBytes, memorySwapBytes),
                pick(changes.cpus, cpus), pick(changes.cpuWeight, cpuWeight), pick(changes.cpusetCpus, cpusetCpus),
                pick(changes.cpusetMems, cpusetMems), pick(changes.pids, pids), pick(changes.ioWeight, ioWeight),
                List.copyOf(devices.values()));
    }

    private static <T> T pick(T change, T current) {
        return change != null ? change : current;
    }

    /** @return whether any limit is set */
    public boolean any() {
        return memoryBytes != null || memorySwapBytes != null || cpus != null || cpuWeight != null
                || cpusetCpus != null || cpusetMems != null || pids != null || ioWeight != null || !deviceIo.isEmpty();
    }
}
