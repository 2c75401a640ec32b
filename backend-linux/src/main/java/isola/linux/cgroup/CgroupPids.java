// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Path;

/** pids (same file in v1 and v2): pids.max. */
final class CgroupPids implements CgroupController {
    @Override
    public String name() {
        return "pids";
    }

    @Override
    public boolean wanted(Limits l) {
        return l.pids() != null;
    }

    @Override
    public void apply(Path dir, Limits l, CgroupFiles.Writer out) {
        out.write(dir, "pids.max", Long.toString(l.pids()));
    }
}
