// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import isola.linux.helper.HelperProtocol;

/**
 * One step of building the sandbox's root, executed by the helper in order before pivot_root.
 *
 * @param op MOP_FS, MOP_BIND, MOP_MKDIR or MOP_SYMLINK
 * @param flags MOPF_CREATE and, for mkdir, the mode
 * @param mountFlags mount(2) flags (MS_RDONLY, MS_NOSUID ...)
 * @param a fstype (fs), host source (bind) or link text (symlink); empty when unused
 * @param b the target inside the new root, absolute
 * @param c filesystem data (fs); empty when unused
 */
public record MountOp(int op, int flags, long mountFlags, String a, String b, String c) {
    /**
     * @param fstype filesystem type
     * @param target absolute path in the new root
     * @param mountFlags MS_* flags
     * @param data options such as {@code mode=1777}
     * @param create create the target when missing
     * @return the op
     */
    public static MountOp fs(String fstype, String target, long mountFlags, String data, boolean create) {
        return new MountOp(HelperProtocol.MOP_FS, create ? HelperProtocol.MOPF_CREATE : 0, mountFlags, fstype, target, data);
    }

    /**
     * @param source host path
     * @param target absolute path in the new root
     * @param readOnly read-only (recursively)
     * @param create create the target (directory, or file for a file source) when missing
     * @return the op
     */
    public static MountOp bind(String source, String target, boolean readOnly, boolean create) {
        return new MountOp(HelperProtocol.MOP_BIND, create ? HelperProtocol.MOPF_CREATE : 0,
                readOnly ? HelperProtocol.MS_RDONLY : 0, source, target, "");
    }

    /**
     * @param target absolute path in the new root
     * @param mode permission bits
     * @return the op
     */
    public static MountOp mkdir(String target, int mode) {
        return new MountOp(HelperProtocol.MOP_MKDIR, mode & 07777, 0, "", target, "");
    }

    /**
     * @param linkText what the link points to
     * @param path the link, absolute in the new root
     * @return the op
     */
    public static MountOp symlink(String linkText, String path) {
        return new MountOp(HelperProtocol.MOP_SYMLINK, 0, 0, linkText, path, "");
    }
}
