// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.util.Set;

/**
 * FreeBSD-only jail settings, kept explicit because they do not port.
 *
 * @param enforceStatfs jail {@code enforce_statfs} (0, 1 or 2; 2 is the default)
 * @param allow jail {@code allow.*} permissions to grant, without the prefix (e.g. {@code raw_sockets})
 * @param devfsRuleset the devfs ruleset applied to the jail's /dev (4 is {@code devfsrules_jail})
 * @param parentJail the name of a parent jail to create the jail under, or null
 */
public record FreeBsdOptions(int enforceStatfs, Set<String> allow, int devfsRuleset, String parentJail) {
    /** enforce_statfs 2, nothing allowed, ruleset 4, no parent. */
    public static final FreeBsdOptions DEFAULT = new FreeBsdOptions(2, Set.of(), 4, null);

    /** Validates. */
    public FreeBsdOptions {
        allow = Set.copyOf(allow == null ? Set.of() : allow);
        if (enforceStatfs < 0 || enforceStatfs > 2) {
            throw new SpecValidationException("enforce_statfs must be 0, 1 or 2, got " + enforceStatfs);
        }
        if (devfsRuleset < 0) {
            throw new SpecValidationException("devfs ruleset must not be negative, got " + devfsRuleset);
        }
    }
}
