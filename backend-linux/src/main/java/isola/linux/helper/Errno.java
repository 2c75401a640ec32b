// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

/** Linux errno numbers to names and short descriptions, for error messages. */
public final class Errno {
    private static final String[][] TABLE = new String[134][];

    static {
        put(1, "EPERM", "operation not permitted");
        put(2, "ENOENT", "no such file or directory");
        put(3, "ESRCH", "no such process");
        put(4, "EINTR", "interrupted system call");
        put(5, "EIO", "input/output error");
        put(6, "ENXIO", "no such device or address");
        put(7, "E2BIG", "argument list too long");
        put(8, "ENOEXEC", "exec format error");
        put(9, "EBADF", "bad file descriptor");
        put(10, "ECHILD", "no child processes");
        put(11, "EAGAIN", "resource temporarily unavailable");
        put(12, "ENOMEM", "cannot allocate memory");
        put(13, "EACCES", "permission denied");
        put(14, "EFAULT", "bad address");
        put(15, "ENOTBLK", "block device required");
        put(16, "EBUSY", "device or resource busy");
        put(17, "EEXIST", "file exists");
        put(18, "EXDEV", "path escapes its root or crosses devices");
        put(19, "ENODEV", "no such device or filesystem type");
        put(20, "ENOTDIR", "not a directory");
        put(21, "EISDIR", "is a directory");
        put(22, "EINVAL", "invalid argument");
        put(23, "ENFILE", "too many open files in system");
        put(24, "EMFILE", "too many open files");
        put(25, "ENOTTY", "inappropriate ioctl for device");
        put(26, "ETXTBSY", "text file busy");
        put(27, "EFBIG", "file too large");
        put(28, "ENOSPC", "no space left on device");
        put(30, "EROFS", "read-only file system");
        put(31, "EMLINK", "too many links");
        put(32, "EPIPE", "broken pipe");
        put(34, "ERANGE", "result out of range");
        put(36, "ENAMETOOLONG", "file name too long");
        put(38, "ENOSYS", "function not implemented by this kernel");
        put(39, "ENOTEMPTY", "directory not empty");
        put(40, "ELOOP", "too many levels of symbolic links");
        put(71, "EPROTO", "protocol error");
        put(75, "EOVERFLOW", "value too large for defined data type");
        put(95, "EOPNOTSUPP", "operation not supported");
        put(110, "ETIMEDOUT", "connection timed out");
        put(116, "ESTALE", "stale file handle");
        put(122, "EDQUOT", "disk quota exceeded");
    }

    private Errno() {
    }

    private static void put(int n, String name, String text) {
        TABLE[n] = new String[] {name, text};
    }

    /**
     * @param errno a Linux errno
     * @return its symbolic name, e.g. {@code ENOENT}
     */
    public static String name(int errno) {
        return errno > 0 && errno < TABLE.length && TABLE[errno] != null ? TABLE[errno][0] : "errno " + errno;
    }

    /**
     * @param errno a Linux errno
     * @return a short lowercase description
     */
    public static String describe(int errno) {
        return errno > 0 && errno < TABLE.length && TABLE[errno] != null ? TABLE[errno][1] : "unknown error";
    }
}
