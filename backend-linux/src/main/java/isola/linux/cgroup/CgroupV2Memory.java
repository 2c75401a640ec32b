// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Files;
import java.nio.file.Path;

/** v2 memory: memory.max, memory.swap.max (the swap part of memory+swap). */
final class CgroupV2Memory implements CgroupController {
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
        out.write(dir, "memory.max", Long.toString(l.memoryBytes()));
        long swap = l.memorySwapBytes() != null ? l.memorySwapBytes() - l.memoryBytes() : 0;
        if (Files.exists(dir.resolve("memory.swap.max"))) {
            out.write(dir, "memory.swap.max", Long.toString(swap));
        } else if (l.memorySwapBytes() != null) {
            throw new isola.api.UnsupportedCapabilityException(isola.api.Capability.MEMORY_SWAP_LIMIT, "linux",
                    "this kernel does not account swap (memory.swap.max missing)");
        }
    }
}
