// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.Capability;
import isola.api.IsolationException;
import isola.api.UnsupportedCapabilityException;

/**
 * Turns internal {@link NativeException}s into isola's public exceptions at the backend's edge,
 * keeping the call, errno name and the kernel's errmsg in the message and adding the remedy
 * where one is known.
 */
public final class JailErrors {
    /** The remedy for rctl's ENOSYS: RACCT is compiled in but off, and only the loader can turn it on. */
    public static final String RACCT_REMEDY = "resource limits need RACCT/RCTL, which is off on this host "
            + "(kern.racct.enable=0); add kern.racct.enable=1 to /boot/loader.conf and reboot";

    private JailErrors() {
    }

    /**
     * @param e a failure
     * @param jail the jail it concerns
     * @return the public exception to throw
     */
    public static RuntimeException toPublic(RuntimeException e, String jail) {
        if (!(e instanceof NativeException ne)) {
            return e;
        }
        String msg = ne.getMessage();
        if (ne.call().startsWith("rctl_") && ne.errno() == FreeBsdErrno.ENOSYS) {
            UnsupportedCapabilityException u = new UnsupportedCapabilityException(Capability.MEMORY_LIMIT,
                    FreeBsdJailBackend.NAME, RACCT_REMEDY + " (" + msg + ")");
            u.addSuppressed(e);
            return u;
        }
        if (ne.errno() == FreeBsdErrno.EPERM || ne.errno() == FreeBsdErrno.EACCES) {
            msg += "; jails, mounts and rctl rules need root (run isola as root, not inside a jail without children.max)";
        } else if (ne.call().equals("jail_set") && ne.errno() == FreeBsdErrno.EEXIST) {
            msg += "; a jail named " + jail + " exists (jls -d shows dying ones)";
        } else if (ne.call().equals("jail_set") && ne.errno() == FreeBsdErrno.EINVAL && ne.errmsg().contains("unknown parameter")) {
            msg += "; the parameter belongs to a kernel module that is not loaded, or to a newer FreeBSD";
        }
        IsolationException out = new IsolationException(msg, e);
        return out;
    }
}
