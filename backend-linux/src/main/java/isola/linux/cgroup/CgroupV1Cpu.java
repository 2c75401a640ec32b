// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Path;

/** v1 cpu: cpu.cfs_period_us and cpu.cfs_quota_us for a fraction of CPUs, cpu.shares for a weight. */
final class CgroupV1Cpu implements CgroupController {
    static final long PERIOD_US = 100_000;

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean wanted(Limits l) {
        return l.cpus() != null || l.cpuWeight() != null;
    }

    @Override
    public void apply(Path dir, Limits l, CgroupFiles.Writer out) {
        if (l.cpus() != null) {
            out.write(dir, "cpu.cfs_period_us", Long.toString(PERIOD_US));
            out.write(dir, "cpu.cfs_quota_us", Long.toString(quota(l.cpus())));
        }
        if (l.cpuWeight() != null) {
            out.write(dir, "cpu.shares", Long.toString(shares(l.cpuWeight())));
        }
    }

    /** @return the quota in µs per 100 ms period; the kernel's minimum is 1 ms */
    static long quota(double cpus) {
        return Math.max(1000, Math.round(cpus * PERIOD_US));
    }

    /** Weight 1..10000 (v2 scale, 100 = default) to shares 2..262144 (1024 = default), the inverse of runc's shares-to-weight. */
    static long shares(int weight) {
        return Math.max(2, Math.min(262144, 2 + ((weight - 1L) * 262142L) / 9999L));
    }
}
