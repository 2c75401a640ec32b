// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Path;

/**
 * cpuset (same files in v1 and v2): cpuset.cpus, cpuset.mems. On v1 a new cpuset starts empty and
 * admits no process until both are set, so they are always written: the request, or the parent's.
 */
final class CgroupCpuset implements CgroupController {
    @Override
    public String name() {
        return "cpuset";
    }

    @Override
    public boolean wanted(Limits l) {
        return l.cpusetCpus() != null || l.cpusetMems() != null;
    }

    @Override
    public void apply(Path dir, Limits l, CgroupFiles.Writer out) {
        inherit(dir);
        if (l.cpusetCpus() != null) {
            out.write(dir, "cpuset.cpus", l.cpusetCpus());
        }
        if (l.cpusetMems() != null) {
            out.write(dir, "cpuset.mems", l.cpusetMems());
        }
    }

    /** Copies the parent's effective cpus and mems into an empty v1 cpuset. */
    static void inherit(Path dir) {
        for (String f : new String[] {"cpuset.cpus", "cpuset.mems"}) {
            String mine = CgroupFiles.read(dir, f);
            String parent = CgroupFiles.read(dir.getParent(), f);
            if (mine != null && mine.isEmpty() && parent != null && !parent.isEmpty()) {
                CgroupFiles.write(dir, f, parent);
            }
        }
    }
}
