// SPDX-License-Identifier: Apache-2.0
package isola.api;

/** No backend (or not the one asked for) can run on this host; the message lists every probe. */
public class BackendUnavailableException extends IsolationException {
    private static final long serialVersionUID = 1L;

    /** @param message which backend was wanted and why each candidate is unavailable */
    public BackendUnavailableException(String message) {
        super(message);
    }
}
