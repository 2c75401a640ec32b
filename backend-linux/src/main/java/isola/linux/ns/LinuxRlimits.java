// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import isola.api.RlimitType;

/** Linux RLIMIT_* numbers (asm-generic/resource.h); they differ from FreeBSD's and Solaris's. */
public final class LinuxRlimits {
    private LinuxRlimits() {
    }

    /**
     * @param t a portable limit
     * @return its Linux resource number
     */
    public static int number(RlimitType t) {
        return switch (t) {
            case CPU -> 0;
            case FSIZE -> 1;
            case DATA -> 2;
            case STACK -> 3;
            case CORE -> 4;
            case NPROC -> 6;
            case NOFILE -> 7;
            case MEMLOCK -> 8;
            case AS -> 9;
        };
    }

    /**
     * @param n a Linux resource number
     * @return the portable name, for messages
     */
    public static String name(int n) {
        for (RlimitType t : RlimitType.values()) {
            if (number(t) == n) {
                return t.name();
            }
        }
        return "resource " + n;
    }
}
