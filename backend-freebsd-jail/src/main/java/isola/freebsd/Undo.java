// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One host-side action to undo, as the crash record stores it (one tab-separated line). Every undo
 * is idempotent: what is already gone counts as undone, so a sweep may replay a record whose
 * action never happened (records are written before the action).
 *
 * @param kind what to undo
 * @param args its arguments
 */
public record Undo(Kind kind, List<String> args) {
    /** Kinds of undo, in the words of the tool or call that undoes them. */
    public enum Kind {
        /** unmount(2) a mount point. */ UNMOUNT,
        /** rctl_remove_rule(2) a filter. */ RCTL,
        /** jail_remove(2) the jail of a name. */ JAIL,
        /** ifconfig IF destroy. */ IFDESTROY,
        /** ifconfig IF inet|inet6 ADDR -alias. */ UNALIAS,
        /** pfctl -a ANCHOR -F all. */ PF,
        /** zfs destroy DATASET. */ ZFS,
        /** remove an empty directory isola created. */ RMDIR,
        /** remove a file isola created (a mount point for a file, an address claim). */ RMFILE
    }

    /** Copies; refuses tabs and newlines, which the record cannot hold. */
    public Undo {
        args = List.copyOf(args);
        for (String a : args) {
            if (a.indexOf('\t') >= 0 || a.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("cannot record \"" + a + "\": it contains a tab or newline");
            }
        }
    }

    /** @param kind the kind @param args its arguments @return the undo */
    public static Undo of(Kind kind, String... args) {
        return new Undo(kind, List.of(args));
    }

    /** @return the record line */
    public String line() {
        return kind + (args.isEmpty() ? "" : "\t" + String.join("\t", args));
    }

    /** @param line a record line @return the undo, or null when the line is not one */
    public static Undo parse(String line) {
        String[] f = line.split("\t", -1);
        try {
            return new Undo(Kind.valueOf(f[0]), Arrays.asList(f).subList(1, f.length));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Undoes it.
     *
     * @param n the kernel calls
     * @param tools the base tools
     * @throws NativeException when it could not be undone (it is then kept for a later sweep)
     */
    public void run(JailNative n, HostTools tools) {
        String a = args.isEmpty() ? "" : args.get(0);
        switch (kind) {
            case UNMOUNT -> unmount(n, a);
            case RCTL -> {
                try {
                    n.rctlRemoveRule(a);
                } catch (NativeException e) {
                    // ESRCH: no rule matched; ENOSYS: racct is off, so no rule can exist
                    if (e.errno() != FreeBsdErrno.ESRCH && e.errno() != FreeBsdErrno.ENOSYS) {
                        throw e;
                    }
                }
            }
            case JAIL -> {
                int jid = n.jailFind(a, false);
                if (jid >= 0) {
                    try {
                        n.jailRemove(jid);
                    } catch (NativeException e) {
                        // EINVAL: already gone (removed concurrently), as other runtimes treat it
                        if (e.errno() != FreeBsdErrno.EINVAL) {
                            throw e;
                        }
                    }
                }
            }
            case IFDESTROY -> tolerate(() -> tools.run("/sbin/ifconfig", a, "destroy"), "does not exist");
            case UNALIAS -> tolerate(() -> tools.run("/sbin/ifconfig", a, args.get(1), args.get(2), "-alias"),
                    "does not exist", "Can't assign requested address");
            case PF -> tools.run("/sbin/pfctl", "-a", a, "-F", "all");
            case ZFS -> tolerate(() -> tools.run("/sbin/zfs", "destroy", a), "does not exist");
            case RMDIR, RMFILE -> {
                try {
                    Files.deleteIfExists(Path.of(a));
                } catch (IOException e) {
                    throw new NativeException(kind == Kind.RMDIR ? "rmdir" : "unlink", a, 0, e.toString());
                }
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    private static void unmount(JailNative n, String path) {
        try {
            n.unmount(path, 0);
        } catch (NativeException e) {
            if (e.errno() == FreeBsdErrno.EINVAL || e.errno() == FreeBsdErrno.ENOENT) {
                return; // not mounted (unmount(2)), or its mount point is gone
            }
            if (e.errno() != FreeBsdErrno.EBUSY) {
                throw e;
            }
            // the jail and its processes are gone by now: a busy mount is held by a stray host
            // process (a shell cd'd into it); force it rather than leak it
            n.unmount(path, JailNative.MNT_FORCE);
        }
    }

    private static void tolerate(Runnable r, String... gone) {
        try {
            r.run();
        } catch (NativeException e) {
            for (String g : gone) {
                if (e.errmsg().contains(g)) {
                    return;
                }
            }
            throw e;
        }
    }
}
