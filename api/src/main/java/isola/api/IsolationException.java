// SPDX-License-Identifier: Apache-2.0
package isola.api;

/** Base of every exception isola throws: something could not be isolated or run as asked. */
public class IsolationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, on what, and why (lowercase, no trailing period) */
    public IsolationException(String message) {
        super(message);
    }

    /**
     * @param message what failed, on what, and why
     * @param cause the underlying failure
     */
    public IsolationException(String message, Throwable cause) {
        super(message, cause);
    }
}
