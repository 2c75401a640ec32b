// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

/**
 * A FreeBSD system call or base-system tool failed: the call, what it acted on, errno, and the
 * kernel's own {@code errmsg} when the call returns one (jail_set, jail_get, nmount). Internal:
 * {@link JailErrors} turns it into public exceptions at the backend's edge.
 */
public final class NativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final String subject;
    private final int errno;
    private final String errmsg;

    /**
     * @param call the system call or tool, e.g. {@code jail_set}
     * @param subject what it acted on, e.g. {@code jail "web1"} (may be empty)
     * @param errno the FreeBSD errno, 0 when none (a tool's failure)
     * @param errmsg the kernel's errmsg or the tool's stderr, empty when none
     */
    public NativeException(String call, String subject, int errno, String errmsg) {
        super(format(call, subject, errno, errmsg));
        this.call = call;
        this.subject = subject == null ? "" : subject;
        this.errno = errno;
        this.errmsg = errmsg == null ? "" : errmsg.strip();
    }

    static String format(String call, String subject, int errno, String errmsg) {
        StringBuilder b = new StringBuilder(call);
        if (subject != null && !subject.isEmpty()) {
            b.append(' ').append(subject);
        }
        b.append(" failed");
        if (errno != 0) {
            b.append(": ").append(FreeBsdErrno.name(errno)).append(" (").append(FreeBsdErrno.describe(errno)).append(')');
        }
        if (errmsg != null && !errmsg.isBlank()) {
            b.append(": ").append(errmsg.strip());
        }
        return b.toString();
    }

    /** @return the call or tool */
    public String call() {
        return call;
    }

    /** @return what it acted on */
    public String subject() {
        return subject;
    }

    /** @return the FreeBSD errno, 0 when none */
    public int errno() {
        return errno;
    }

    /** @return the kernel's errmsg (or a tool's stderr), empty when none */
    public String errmsg() {
        return errmsg;
    }
}
