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
    public void apply(Path dir, Limits l, CgroupFiles.Writer out) {
        if (l.ioWeight() != null) {
            out.write(dir, "io.weight", "default " + l.ioWeight());
        }
        for (Limits.DeviceIo d : l.deviceIo()) {
            // "max" removes a throttle: a device's entry is the whole truth for it, also when it replaces a live one
            out.write(dir, "io.max", CgroupFiles.deviceNumber(d.device()) + " rbps=" + rate(d.readBps()) + " wbps="
                    + rate(d.writeBps()));
        }
    }

    private static String rate(Long bps) {
        return bps == null ? "max" : Long.toString(bps);
    }
}
