// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

/**
 * FreeBSD errno numbers (sys/errno.h) to names and descriptions. They differ from Linux above 34:
 * EAGAIN is 35, EOPNOTSUPP 45, ELOOP 62, ENAMETOOLONG 63, ENOSYS 78.
 */
public final class FreeBsdErrno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int E2BIG = 7;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int EAGAIN = 35;
    public static final int EOPNOTSUPP = 45;
    public static final int EADDRINUSE = 48;
    public static final int ELOOP = 62;
    public static final int ENAMETOOLONG = 63;
    public static final int ENOSYS = 78;

    private static final String[][] TABLE = new String[100][];

    static {
        put(1, "EPERM", "operation not permitted");
        put(2, "ENOENT", "no such file or directory");
        put(3, "ESRCH", "no such process");
        put(4, "EINTR", "interrupted system call");
        put(5, "EIO", "input/output error");
        put(7, "E2BIG", "argument list too long");
        put(8, "ENOEXEC", "exec format error");
        put(9, "EBADF", "bad file descriptor");
        put(12, "ENOMEM", "cannot allocate memory");
        put(13, "EACCES", "permission denied");
        put(14, "EFAULT", "bad address");
        put(16, "EBUSY", "device busy");
        put(17, "EEXIST", "file exists");
        put(18, "EXDEV", "cross-device link");
        put(19, "ENODEV", "operation not supported by device");
        put(20, "ENOTDIR", "not a directory");
        put(21, "EISDIR", "is a directory");
        put(22, "EINVAL", "invalid argument");
        put(24, "EMFILE", "too many open files");
        put(26, "ETXTBSY", "text file busy");
        put(28, "ENOSPC", "no space left on device");
        put(30, "EROFS", "read-only file system");
        put(34, "ERANGE", "result too large");
        put(35, "EAGAIN", "resource temporarily unavailable");
        put(45, "EOPNOTSUPP", "operation not supported");
        put(48, "EADDRINUSE", "address already in use");
        put(49, "EADDRNOTAVAIL", "can't assign requested address");
        put(62, "ELOOP", "too many levels of symbolic links");
        put(63, "ENAMETOOLONG", "file name too long");
        put(66, "ENOTEMPTY", "directory not empty");
        put(69, "EDQUOT", "disc quota exceeded");
        put(78, "ENOSYS", "function not implemented");
        put(79, "EFTYPE", "inappropriate file type or format");
        put(84, "EOVERFLOW", "value too large to be stored in data type");
        put(94, "ECAPMODE", "not permitted in capability mode");
    }

    private FreeBsdErrno() {
    }

    private static void put(int n, String name, String text) {
        TABLE[n] = new String[] {name, text};
    }

    /** @param errno a FreeBSD errno @return its name, e.g. {@code ENOSYS}, or {@code errno N} */
    public static String name(int errno) {
        return errno > 0 && errno < TABLE.length && TABLE[errno] != null ? TABLE[errno][0] : "errno " + errno;
    }

    /** @param errno a FreeBSD errno @return a short lowercase description */
    public static String describe(int errno) {
        return errno > 0 && errno < TABLE.length && TABLE[errno] != null ? TABLE[errno][1] : "unknown error";
    }
}
