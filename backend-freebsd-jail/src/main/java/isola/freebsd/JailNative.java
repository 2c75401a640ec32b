// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import java.util.List;

/**
 * The FreeBSD kernel calls the backend needs, and nothing else. Everything above this interface is
 * plain Java, tested on Linux against a recording fake; {@code isola.freebsd.natives.FreeBsdDispatcher}
 * implements it with JNA on libc. Every method throws {@link NativeException} with errno and, where
 * the call has one, the kernel's errmsg.
 */
public interface JailNative {
    /** jail(2) flag JAIL_CREATE. */
    int JAIL_CREATE = 0x01;
    /** jail(2) flag JAIL_UPDATE. */
    int JAIL_UPDATE = 0x02;
    /** jail(2) flag JAIL_ATTACH: never used by the JVM (it would jail every thread of it). */
    int JAIL_ATTACH = 0x04;
    /** jail(2) flag JAIL_DYING: also match (jail_get) or replace (jail_set, 14.x) a dying jail. */
    int JAIL_DYING = 0x08;

    /** sys/mount.h MNT_RDONLY. */
    int MNT_RDONLY = 0x00000001;
    /** sys/mount.h MNT_NOEXEC. */
    int MNT_NOEXEC = 0x00000004;
    /** sys/mount.h MNT_NOSUID. */
    int MNT_NOSUID = 0x00000008;
    /** sys/mount.h MNT_IGNORE: hidden from df and mount listings, as other jail runtimes do. */
    int MNT_IGNORE = 0x00800000;
    /** sys/mount.h MNT_FORCE (unmount). */
    int MNT_FORCE = 0x00080000;

    /**
     * {@code int jail_set(struct iovec *iov, u_int niov, int flags)}, with an errmsg pair appended.
     *
     * @param params name/value pairs
     * @param flags JAIL_CREATE, JAIL_UPDATE, JAIL_DYING
     * @return the jid
     */
    int jailSet(List<JailParam> params, int flags);

    /**
     * {@code int jail_get(struct iovec *iov, u_int niov, int flags)} looking a jail up by name.
     *
     * @param name the jail's name
     * @param dying whether to match a dying jail too (JAIL_DYING)
     * @return the jid, or -1 when there is no such jail (ENOENT)
     */
    int jailFind(String name, boolean dying);

    /**
     * {@code int jail_remove(int jid)}: kills every process in the jail and removes it.
     *
     * @param jid the jail
     */
    void jailRemove(int jid);

    /** @param rule a full rule, {@code jail:<name>:<resource>:<action>=<amount>} (rctl_add_rule(2)) */
    void rctlAddRule(String rule);

    /** @param filter e.g. {@code jail:<name>:} (rctl_remove_rule(2)) */
    void rctlRemoveRule(String filter);

    /** @param filter e.g. {@code jail:<name>} @return comma-separated {@code resource=amount} (rctl_get_racct(2)) */
    String rctlGetRacct(String filter);

    /**
     * {@code int nmount(struct iovec *iov, u_int niov, int flags)} with an errmsg pair appended.
     *
     * @param options string options: fstype, fspath, target, size, mode...
     * @param flags MNT_* flags
     */
    void nmount(List<JailParam> options, int flags);

    /** @param path a mount point @param flags 0 or MNT_FORCE (unmount(2)); EINVAL means "not mounted" */
    void unmount(String path, int flags);

    /** @param name a sysctl @return its integer value, or null when the OID does not exist */
    Long sysctlLong(String name);

    /** @param name a sysctl @return its string value, or null when the OID does not exist */
    String sysctlString(String name);

    /** @param symbol a libc symbol such as {@code jail_attach_jd} @return whether libc has it */
    boolean hasSymbol(String symbol);

    /** @param pid a host pid @param signal a FreeBSD signal number (kill(2)) */
    void kill(long pid, int signal);

    /** @return the effective uid (geteuid(2)) */
    int geteuid();
}
