// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import isola.api.SpecValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Linux capability names and numbers (capability.h), and the default set a sandbox keeps. */
public final class LinuxPrivileges {
    /** Capability names by number, as in linux/capability.h. */
    public static final List<String> NAMES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
            "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
            "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
            "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    /** What runc's default spec grants: AUDIT_WRITE, KILL, NET_BIND_SERVICE. */
    public static final Set<String> DEFAULT = Set.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    private LinuxPrivileges() {
    }

    /**
     * @param name {@code CAP_KILL}, {@code kill} or {@code KILL}
     * @return the canonical name
     * @throws SpecValidationException for an unknown capability
     */
    public static String canonical(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (!n.startsWith("CAP_")) {
            n = "CAP_" + n;
        }
        if (!NAMES.contains(n)) {
            throw new SpecValidationException("unknown capability \"" + name + "\"");
        }
        return n;
    }

    /**
     * @param names capability names, or null for the default set
     * @return the bit mask kept
     */
    public static long mask(Set<String> names) {
        long m = 0;
        for (String n : names == null ? DEFAULT : names) {
            m |= 1L << NAMES.indexOf(canonical(n));
        }
        return m;
    }

    /**
     * @param mask a capability bit mask
     * @return the names of its bits
     */
    public static List<String> names(long mask) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                out.add(NAMES.get(i));
            }
        }
        return out;
    }
}
