// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.MountSpec;
import isola.api.SandboxSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host-side mounts that build a jail's root, in order. There is one global mount namespace on
 * FreeBSD, so every mount the jail sees is made by the host under the jail's path and undone by
 * the host in reverse order. The jail's path is always a nullfs alias of the real root (the host's
 * {@code /} read-only, or the root directory read-only or read-write): the spec's mounts then land
 * in the alias, never in the user's directory, and teardown is the same for every root.
 */
public final class MountPlan {
    /** What a mount is. */
    public enum Fs {
        /** nullfs of a host path (bind). */ NULLFS,
        /** tmpfs. */ TMPFS,
        /** devfs, restricted with a ruleset. */ DEVFS
    }

    /**
     * One mount.
     *
     * @param fs the filesystem
     * @param source the host source of a nullfs, else null
     * @param destination the path inside the jail ({@code /} for the root alias)
     * @param readOnly MNT_RDONLY
     * @param sizeBytes a tmpfs size, 0 for none
     * @param mode a tmpfs root mode
     * @param ruleset a devfs ruleset
     */
    public record Op(Fs fs, String source, String destination, boolean readOnly, long sizeBytes, int mode, int ruleset) {
        /**
         * @param fspath where it is mounted on the host
         * @return the nmount(2) options: fstype, fspath and the filesystem's own (target, size, mode)
         */
        public List<JailParam> options(String fspath) {
            List<JailParam> o = new ArrayList<>();
            o.add(JailParam.string("fstype", fs.name().toLowerCase(java.util.Locale.ROOT)));
            o.add(JailParam.string("fspath", fspath));
            if (fs == Fs.NULLFS) {
                o.add(JailParam.string("target", source));
            } else if (fs == Fs.TMPFS) {
                if (sizeBytes > 0) {
                    o.add(JailParam.string("size", Long.toString(sizeBytes)));
                }
                o.add(JailParam.string("mode", "0" + Integer.toOctalString(mode)));
            }
            return o;
        }

        /** @return nmount(2) flags: MNT_IGNORE always, MNT_RDONLY, and MNT_NOSUID on tmpfs and devfs */
        public int flags() {
            int f = JailNative.MNT_IGNORE | (readOnly ? JailNative.MNT_RDONLY : 0);
            if (fs != Fs.NULLFS) {
                f |= JailNative.MNT_NOSUID;
            }
            return f;
        }

        /** @return a readable form for logs and tests */
        public String render() {
            return fs.name().toLowerCase(java.util.Locale.ROOT) + " " + (source == null ? "" : source + " -> ") + destination
                    + (readOnly ? " ro" : " rw") + (sizeBytes > 0 ? " size=" + sizeBytes : "")
                    + (fs == Fs.TMPFS ? " mode=0" + Integer.toOctalString(mode) : "")
                    + (fs == Fs.DEVFS ? " ruleset=" + ruleset : "");
        }
    }

    private MountPlan() {
    }

    /**
     * @param spec the sandbox
     * @param rootSource the real root on the host: {@code /}, the root directory, or the ZFS clone's mount point
     * @return the mounts in order: root alias, /dev (devfs + ruleset), private /tmp unless the spec
     *     mounts one, then the spec's mounts in their order
     */
    public static List<Op> plan(SandboxSpec spec, Path rootSource) {
        List<Op> ops = new ArrayList<>();
        ops.add(new Op(Fs.NULLFS, rootSource.toString(), "/", spec.root().readOnly(), 0, 0, 0));
        ops.add(new Op(Fs.DEVFS, null, "/dev", false, 0, 0, spec.freebsd().devfsRuleset()));
        boolean userTmp = spec.mounts().stream().anyMatch(m -> m.destination().equals("/tmp"));
        if (!userTmp) {
            ops.add(new Op(Fs.TMPFS, null, "/tmp", false, 0, 01777, 0));
        }
        for (MountSpec m : spec.mounts()) {
            if (m.type() == MountSpec.Type.BIND) {
                ops.add(new Op(Fs.NULLFS, m.source().toString(), m.destination(), m.readOnly(), 0, 0, 0));
            } else {
                ops.add(new Op(Fs.TMPFS, null, m.destination(), m.readOnly(), m.sizeBytes(), m.mode() < 0 ? 01777 : m.mode(), 0));
            }
        }
        return ops;
    }
}
