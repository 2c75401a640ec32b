// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Path;

/** v2 io: io.weight ("default N") and io.max ("MAJ:MIN rbps=R wbps=W"). */
final class CgroupV2Io implements CgroupController {
    @Override
    public String name() {
        return "io";
    }

    @Override
    public boolean wanted(Limits l) {
        return l.ioWeight() != null || !l.deviceIo().isEmpty();
    }

    @Override
    public void apply(Path dir, Limits l) {
        if (l.ioWeight() != null) {
            CgroupFiles.write(dir, "io.weight", "default " + l.ioWeight());
        }
        for (Limits.DeviceIo d : l.deviceIo()) {
            StringBuilder v = new StringBuilder(CgroupFiles.deviceNumber(d.device()));
            if (d.readBps() != null) {
                v.append(" rbps=").append(d.readBps());
            }
            if (d.writeBps() != null) {
                v.append(" wbps=").append(d.writeBps());
            }
            CgroupFiles.write(dir, "io.max", v.toString());
        }
    }
}
