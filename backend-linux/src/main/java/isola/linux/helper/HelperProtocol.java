// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

/** Numbers of the helper's wire protocol; mirrors src/main/c/isola_protocol.h (a test checks). */
public final class HelperProtocol {
    private HelperProtocol() {
    }

    public static final int MAGIC = 0x4c4f5349;
    public static final int VERSION = 1;
    public static final int STATUS_SIZE = 256;
    public static final int DETAIL_SIZE = 240;

    public static final int TAG_MODE = 1;
    public static final int TAG_CLONE_FLAGS = 2;
    public static final int TAG_UID_MAP = 3;
    public static final int TAG_GID_MAP = 4;
    public static final int TAG_HOSTNAME = 5;
    public static final int TAG_MOUNT = 6;
    public static final int TAG_ARG = 7;
    public static final int TAG_ENV = 8;
    public static final int TAG_CWD = 9;
    public static final int TAG_UID = 10;
    public static final int TAG_GID = 11;
    public static final int TAG_GROUPS = 12;
    public static final int TAG_RLIMIT = 13;
    public static final int TAG_UMASK = 14;
    public static final int TAG_CAPS = 15;
    public static final int TAG_FLAGS = 16;
    public static final int TAG_JOIN_PID = 17;
    public static final int TAG_ROOT = 18;
    public static final int TAG_CGROUP = 19;
    public static final int TAG_NET_JOIN_PID = 20;
    public static final int TAG_NET_ADDR = 21;

    public static final int MODE_INIT = 1;
    public static final int MODE_JOIN = 2;

    public static final int FLAG_NO_NEW_PRIVS = 0x1;
    public static final int FLAG_LOOPBACK = 0x2;
    public static final int FLAG_KEEP = 0x4;
    public static final int FLAG_ROOT_RDONLY = 0x8;
    public static final int FLAG_USERNS = 0x10;
    public static final int FLAG_HOLD = 0x20;

    public static final int MOP_FS = 1;
    public static final int MOP_BIND = 2;
    public static final int MOP_MKDIR = 3;
    public static final int MOP_SYMLINK = 4;
    public static final int MOPF_CREATE = 0x10000;

    public static final int ST_STARTED = 1;
    public static final int ST_ERROR = 2;
    public static final int ST_EXIT = 3;
    public static final int ST_CREATED = 4;

    public static final int CMD_SIGNAL_ALL = 1;
    public static final int CMD_SIGNAL_MAIN = 2;
    public static final int CMD_START = 3;

    /** Failure steps in the order of ISOLA_STEPS in the header; the index is the wire number. */
    public static final String[] STEPS = {"request", "channel", "clone", "user namespace", "mount propagation",
        "root", "mount", "pivot_root", "hostname", "loopback", "setns", "fork", "rlimit", "setgroups", "setgid",
        "setuid", "capabilities", "no_new_privs", "chdir", "close fds", "exec", "cgroup", "network"};

    /** Linux clone(2) namespace flags. */
    public static final long CLONE_NEWNS = 0x00020000L;
    public static final long CLONE_NEWCGROUP = 0x02000000L;
    public static final long CLONE_NEWUTS = 0x04000000L;
    public static final long CLONE_NEWIPC = 0x08000000L;
    public static final long CLONE_NEWUSER = 0x10000000L;
    public static final long CLONE_NEWPID = 0x20000000L;
    public static final long CLONE_NEWNET = 0x40000000L;

    /** Linux mount(2) flags. */
    public static final long MS_RDONLY = 1L;
    public static final long MS_NOSUID = 2L;
    public static final long MS_NODEV = 4L;
    public static final long MS_NOEXEC = 8L;

    /**
     * @param step a wire step number
     * @return its name
     */
    public static String stepName(int step) {
        return step >= 0 && step < STEPS.length ? STEPS[step] : "step " + step;
    }
}
