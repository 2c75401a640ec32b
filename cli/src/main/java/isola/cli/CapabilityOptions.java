// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.SpecValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns {@code --cap-add} and {@code --cap-drop} into the privilege set of
 * {@link isola.api.SecuritySpec#privileges()}, with Docker's rules ({@code moby/moby:
 * oci/caps/utils.go}, {@code TweakCapabilities}). Names are Linux capability names; other backends
 * refuse them (or map them) themselves.
 */
final class CapabilityOptions {
    /** The set runc's default spec keeps ({@code opencontainers/runc: libcontainer/specconv/example.go}). */
    static final Set<String> DEFAULT = Set.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    /** Every capability of capabilities(7) up to Linux 5.9, in number order; {@code ALL} means these. */
    static final List<String> LINUX_ALL = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    private CapabilityOptions() {
    }

    /**
     * @param add {@code --cap-add} values: {@code CAP_NET_ADMIN}, {@code net_admin} or {@code ALL}
     * @param drop {@code --cap-drop} values, likewise
     * @return null when neither option was given (the backend's minimal default, so that a backend
     *     without privilege sets still runs), else {@link #DEFAULT} with the drops removed and the
     *     adds added; {@code --cap-add ALL} starts from every capability and {@code --cap-drop ALL}
     *     from none
     * @throws SpecValidationException for an unknown capability name
     */
    static Set<String> resolve(List<String> add, List<String> drop) {
        if (add.isEmpty() && drop.isEmpty()) {
            return null;
        }
        List<String> a = normalize("--cap-add", add);
        List<String> d = normalize("--cap-drop", drop);
        Set<String> result = new TreeSet<>();
        if (a.contains("ALL")) {
            result.addAll(LINUX_ALL);
            result.removeAll(d);
        } else if (d.contains("ALL")) {
            result.addAll(a);
        } else {
            result.addAll(DEFAULT);
            result.removeAll(d);
            result.addAll(a);
        }
        return result;
    }

    private static List<String> normalize(String option, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String s = n.trim().toUpperCase(Locale.ROOT);
            if (!s.equals("ALL") && !s.startsWith("CAP_")) {
                s = "CAP_" + s;
            }
            if (!s.equals("ALL") && !LINUX_ALL.contains(s)) {
                throw new SpecValidationException("invalid " + option + " \"" + n
                        + "\": not a capability name of capabilities(7) such as CAP_NET_ADMIN or NET_ADMIN, or ALL");
            }
            out.add(s);
        }
        return out;
    }
}
