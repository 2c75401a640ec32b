// SPDX-License-Identifier: Apache-2.0
package isola.api;

/** A sandbox or process specification is malformed or names something that does not exist. */
public class SpecValidationException extends IsolationException {
    private static final long serialVersionUID = 1L;

    /** @param message which field is wrong and why */
    public SpecValidationException(String message) {
        super(message);
    }
}
