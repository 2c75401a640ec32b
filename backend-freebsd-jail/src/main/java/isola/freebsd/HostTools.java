// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import java.util.List;

/**
 * The base-system tools that have no stable system call equivalent: ifconfig, route, devfs, zfs,
 * pfctl, pkill/pgrep, cpuset. A fake records the command lines in tests.
 */
public interface HostTools {
    /**
     * Runs a tool and waits for it.
     *
     * @param argv the command, the tool by absolute path
     * @param stdin what to write to its stdin, or null
     * @return its stdout
     * @throws NativeException (errno 0, its stderr as errmsg) when it exits non-zero
     */
    String run(List<String> argv, String stdin);

    /** @param argv the command @return its stdout */
    default String run(String... argv) {
        return run(List.of(argv), null);
    }
}
