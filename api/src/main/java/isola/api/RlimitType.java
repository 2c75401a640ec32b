// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.util.Locale;

/** Portable names of per-process resource limits; backends map them to their OS's numbers. */
public enum RlimitType {
    /** CPU time in seconds. */ CPU,
    /** Largest file size in bytes. */ FSIZE,
    /** Data segment size in bytes. */ DATA,
    /** Stack size in bytes. */ STACK,
    /** Core file size in bytes. */ CORE,
    /** Open file descriptors. */ NOFILE,
    /** Address space in bytes. */ AS,
    /** Processes of the real user. */ NPROC,
    /** Locked memory in bytes. */ MEMLOCK;

    /**
     * @param name {@code nofile}, {@code RLIMIT_NOFILE} and the like
     * @return the limit
     * @throws SpecValidationException for an unknown name
     */
    public static RlimitType parse(String name) {
        String s = name.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("RLIMIT_")) {
            s = s.substring(7);
        }
        for (RlimitType t : values()) {
            if (t.name().equals(s)) {
                return t;
            }
        }
        throw new SpecValidationException("unknown rlimit \"" + name + "\"");
    }
}
