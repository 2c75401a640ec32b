// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Path;

/** v1 blkio: blkio.weight (when the kernel has it) and blkio.throttle.{read,write}_bps_device. */
final class CgroupV1Blkio implements CgroupController {
    @Override
    public String name() {
        return "blkio";
    }

    @Override
    public boolean wanted(Limits l) {
        return l.ioWeight() != null || !l.deviceIo().isEmpty();
    }

    @Override
    public void apply(Path dir, Limits l, CgroupFiles.Writer out) {
        if (l.ioWeight() != null) {
            if (CgroupFiles.read(dir, "blkio.weight") == null) {
                throw new isola.api.UnsupportedCapabilityException(isola.api.Capability.IO_LIMIT, "linux",
                        "this kernel's v1 blkio controller has no blkio.weight (no BFQ weight support); use --device-read-bps");
            }
            // v1 weight is 10..1000, v2 is 1..10000
            out.write(dir, "blkio.weight", Long.toString(Math.max(10, Math.min(1000, l.ioWeight() / 10))));
        }
        for (Limits.DeviceIo d : l.deviceIo()) {
            String dev = CgroupFiles.deviceNumber(d.device());
            // 0 removes a throttle: a device's entry is the whole truth for it, also when it replaces a live one
            out.write(dir, "blkio.throttle.read_bps_device", dev + " " + (d.readBps() != null ? d.readBps() : 0));
            out.write(dir, "blkio.throttle.write_bps_device", dev + " " + (d.writeBps() != null ? d.writeBps() : 0));
        }
    }
}
