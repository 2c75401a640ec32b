// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * One resource limit for the sandboxed process.
 *
 * @param type which limit
 * @param soft the soft limit, {@link #UNLIMITED} for none
 * @param hard the hard limit, {@link #UNLIMITED} for none
 */
public record Rlimit(RlimitType type, long soft, long hard) {
    /** No limit (RLIM_INFINITY). */
    public static final long UNLIMITED = -1L;

    /** Validates the limit. */
    public Rlimit {
        if (type == null) {
            throw new SpecValidationException("rlimit type is missing");
        }
        if (soft < -1 || hard < -1) {
            throw new SpecValidationException("rlimit " + type + " must not be negative, got " + (soft < -1 ? soft : hard));
        }
        if (hard != UNLIMITED && (soft == UNLIMITED || soft > hard)) {
            throw new SpecValidationException("rlimit " + type + ": soft limit " + soft
                    + " exceeds hard limit " + hard);
        }
    }
}
