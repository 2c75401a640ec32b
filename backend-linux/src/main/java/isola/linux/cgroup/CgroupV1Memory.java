// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Files;
import java.nio.file.Path;

/** v1 memory: memory.limit_in_bytes, memory.memsw.limit_in_bytes (limit first, then memsw, as the kernel requires). */
final class CgroupV1Memory implements CgroupController {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean wanted(Limits l) {
        return l.memoryBytes() != null;
    }

    @Override
    public void apply(Path dir, Limits l, CgroupFiles.Writer out) {
        long swap = l.memorySwapBytes() != null ? l.memorySwapBytes() : l.memoryBytes();
        if (Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
            // without a swap limit, memory+swap = memory: a memory limit means no swapping past it. The
            // kernel keeps limit <= memsw at every step: raising past the old memsw writes memsw first.
            boolean memswFirst = l.memoryBytes() > CgroupFiles.number(dir, "memory.memsw.limit_in_bytes");
            if (memswFirst) {
                out.write(dir, "memory.memsw.limit_in_bytes", Long.toString(swap));
            }
            out.write(dir, "memory.limit_in_bytes", Long.toString(l.memoryBytes()));
            if (!memswFirst) {
                out.write(dir, "memory.memsw.limit_in_bytes", Long.toString(swap));
            }
        } else if (l.memorySwapBytes() == null) {
            out.write(dir, "memory.limit_in_bytes", Long.toString(l.memoryBytes()));
        } else {
            throw new isola.api.UnsupportedCapabilityException(isola.api.Capability.MEMORY_SWAP_LIMIT, "linux",
                    "this kernel does not account swap (memory.memsw.limit_in_bytes missing); boot with swapaccount=1");
        }
    }
}
