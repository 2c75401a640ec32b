// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * Resource usage of a whole sandbox, as its backend accounts it. A null field means the backend
 * does not account it here (no limits were asked for, or the host lacks the controller).
 *
 * @param cpuUserNanos CPU time in user mode
 * @param cpuSystemNanos CPU time in kernel mode
 * @param memoryBytes memory in use now
 * @param memoryPeakBytes the most memory used so far
 * @param pids processes (and threads) now
 * @param oomKills processes the kernel killed for exceeding the memory limit
 * @param ioReadBytes bytes read from block devices
 * @param ioWriteBytes bytes written to block devices
 */
public record SandboxStats(Long cpuUserNanos, Long cpuSystemNanos, Long memoryBytes, Long memoryPeakBytes, Long pids,
        Long oomKills, Long ioReadBytes, Long ioWriteBytes) {
    /** Nothing accounted. */
    public static final SandboxStats NONE = new SandboxStats(null, null, null, null, null, null, null, null);
}
