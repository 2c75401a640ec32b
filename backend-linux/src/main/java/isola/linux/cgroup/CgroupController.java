// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Path;

/** One controller in one cgroup version: writes its part of the limits into a sandbox's cgroup. */
interface CgroupController {
    /** @return the controller's name as the kernel spells it */
    String name();

    /** @param l the limits @return whether they need this controller */
    boolean wanted(Limits l);

    /**
     * Writes the limits this controller holds; a null field is left as it is.
     *
     * @param dir the sandbox's cgroup directory for this controller
     * @param l the limits
     * @param out where the writes go: straight to the files, or through a journal that can undo them
     */
    void apply(Path dir, Limits l, CgroupFiles.Writer out);
}
