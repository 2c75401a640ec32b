// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.Capability;
import isola.spi.CapabilitySet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the backend found on this FreeBSD host, read once through {@link JailNative}: version,
 * RACCT, VIMAGE, ZFS, jail descriptors, whether isola itself runs as root and outside a jail.
 *
 * @param osrelease {@code kern.osrelease}, e.g. {@code 14.3-RELEASE}
 * @param osreldate {@code kern.osreldate}, e.g. 1403000
 * @param racct {@code kern.racct.enable} is 1
 * @param vimage {@code kern.features.vimage} exists (VNET in the kernel)
 * @param zfs the ZFS module is loaded ({@code vfs.zfs.version.spa} exists)
 * @param jailDescriptors libc has {@code jail_attach_jd} (15.x jail descriptors)
 * @param jailed {@code security.jail.jailed} is 1 (isola itself runs in a jail)
 * @param euid the effective uid
 */
public record FreeBsdHost(String osrelease, long osreldate, boolean racct, boolean vimage, boolean zfs,
        boolean jailDescriptors, boolean jailed, int euid) {
    /** The oldest kernel supported: 14.0 (ifconfig -j / route -j configure a vnet from the host). */
    public static final long MIN_OSRELDATE = 1400000;

    /** @param n the kernel calls @return the facts */
    public static FreeBsdHost read(JailNative n) {
        String rel = n.sysctlString("kern.osrelease");
        Long date = n.sysctlLong("kern.osreldate");
        Long racct = n.sysctlLong("kern.racct.enable");
        Long jailed = n.sysctlLong("security.jail.jailed");
        return new FreeBsdHost(rel == null ? "unknown" : rel, date == null ? 0 : date, racct != null && racct == 1,
                n.sysctlLong("kern.features.vimage") != null, n.sysctlLong("vfs.zfs.version.spa") != null,
                n.hasSymbol("jail_attach_jd"), jailed != null && jailed == 1, n.geteuid());
    }

    /** @return why the backend cannot run here, or null when it can */
    public String problem() {
        if (osreldate < MIN_OSRELDATE) {
            return "FreeBSD " + osrelease + " is too old: isola needs 14.0 or later";
        }
        if (euid != 0) {
            return "jails need root: run isola as root (euid is " + euid + ")";
        }
        if (jailed) {
            return "isola runs inside a jail here; run it on the host";
        }
        return null;
    }

    /**
     * @param helperPresent whether this build carries the isola-jexec helper
     * @return what the backend can do on this host, and why not
     */
    public CapabilitySet capabilities(boolean helperPresent) {
        CapabilitySet.Builder b = CapabilitySet.builder();
        String p = problem();
        if (p != null) {
            for (Capability c : Capability.values()) {
                b.lacks(c, p);
            }
            return b.build();
        }
        b.supports(Capability.PID_ISOLATION, Capability.HOSTNAME, Capability.IPC_ISOLATION, Capability.MOUNT_ISOLATION,
                Capability.HOST_ROOT, Capability.ROOT_DIRECTORY, Capability.WRITABLE_ROOT, Capability.BIND_MOUNT,
                Capability.TMPFS, Capability.NETWORK_HOST, Capability.NETWORK_ADDRESSES, Capability.CPUSET,
                Capability.USER_SWITCH, Capability.SUPPLEMENTARY_GROUPS, Capability.RLIMITS,
                Capability.NO_NEW_PRIVILEGES);
        if (vimage) {
            b.supports(Capability.NETWORK_NONE, Capability.NETWORK_BRIDGE, Capability.NETWORK_JOIN);
        } else {
            String why = "the kernel has no VIMAGE (kern.features.vimage is missing), so jails cannot have their own "
                    + "network stack; use a GENERIC kernel (VIMAGE is in GENERIC since 12.0)";
            b.lacks(Capability.NETWORK_NONE, why).lacks(Capability.NETWORK_BRIDGE, why).lacks(Capability.NETWORK_JOIN, why);
        }
        for (Capability c : new Capability[] {Capability.MEMORY_LIMIT, Capability.MEMORY_SWAP_LIMIT, Capability.CPU_LIMIT,
            Capability.PIDS_LIMIT, Capability.IO_LIMIT, Capability.LIVE_LIMIT_UPDATE}) {
            if (racct) {
                b.supports(c);
            } else {
                b.lacks(c, JailErrors.RACCT_REMEDY);
            }
        }
        b.lacks(Capability.CPU_WEIGHT, "FreeBSD has no CPU weight between jails (rctl has no shares); use a CPU limit (pcpu)");
        b.lacks(Capability.PRIVILEGE_SET, "FreeBSD has no capability sets; grant jail permissions with FreeBsdOptions.allow (allow.*)");
        b.lacks(Capability.USER_NAMESPACE, "FreeBSD has no user namespaces: uid 0 in a jail is uid 0 on every file it reaches");
        b.lacks(Capability.CGROUP_NAMESPACE, "FreeBSD has no cgroups");
        if (!helperPresent) {
            String why = "this isola build carries no isola-jexec helper for " + System.getProperty("os.arch")
                    + "; build isola on FreeBSD (mvn install) with cc installed";
            for (Capability c : Capability.values()) {
                b.lacks(c, why);
            }
        }
        return b.build();
    }

    /** @return the facts {@code isola features} shows */
    public Map<String, String> facts() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("freebsd version", osrelease + " (" + osreldate + ")");
        f.put("racct", racct ? "enabled" : "disabled (kern.racct.enable=0; limits refused; set it in /boot/loader.conf and reboot)");
        f.put("vnet", vimage ? "available (VIMAGE)" : "unavailable (no VIMAGE in the kernel)");
        f.put("zfs", zfs ? "loaded" : "not loaded");
        f.put("jail descriptors", jailDescriptors ? "available (jail_attach_jd)" : "unavailable (before 15.x)");
        f.put("jailed", jailed ? "yes (isola runs inside a jail)" : "no");
        f.put("caller", euid == 0 ? "root" : "uid " + euid);
        return f;
    }
}
