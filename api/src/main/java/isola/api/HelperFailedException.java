// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * The native launcher failed at a numbered setup step before the workload started. Never
 * confused with the workload's own exit status.
 */
public class HelperFailedException extends IsolationException {
    private static final long serialVersionUID = 1L;
    private final String step;
    private final int errno;
    private final String errnoName;

    /**
     * @param message the full message, e.g. {@code mount /srv/data -> /data: ENOENT (no such file or directory)}
     * @param step the setup step that failed, e.g. {@code mount} or {@code exec}
     * @param errno the host errno number, 0 when none
     * @param errnoName the symbolic errno name such as {@code ENOENT}, empty when none
     */
    public HelperFailedException(String message, String step, int errno, String errnoName) {
        super(message);
        this.step = step;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /** @return the failed step's name */
    public String step() {
        return step;
    }

    /** @return the errno number on this host, 0 when none */
    public int errno() {
        return errno;
    }

    /** @return the errno name such as {@code ENOENT} */
    public String errnoName() {
        return errnoName;
    }

    /** @return true when the command itself was not found (the shell's status 127) */
    public boolean commandNotFound() {
        return "exec".equals(step) && "ENOENT".equals(errnoName);
    }

    /** @return true when the command was found but could not be executed (the shell's status 126) */
    public boolean commandNotExecutable() {
        return "exec".equals(step) && !commandNotFound();
    }
}
