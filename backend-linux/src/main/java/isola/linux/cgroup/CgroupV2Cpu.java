// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Path;

/** v2 cpu: cpu.max "QUOTA PERIOD" for a fraction of CPUs, cpu.weight. */
final class CgroupV2Cpu implements CgroupController {
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
            out.write(dir, "cpu.max", CgroupV1Cpu.quota(l.cpus()) + " " + CgroupV1Cpu.PERIOD_US);
        }
        if (l.cpuWeight() != null) {
            out.write(dir, "cpu.weight", Integer.toString(l.cpuWeight()));
        }
    }
}
