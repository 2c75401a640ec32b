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
 * @param zfsTemplate a ZFS snapshot ({@code pool/isola/base@v1}) whose clone becomes the root: the
 *     root directory is then the clone's mount point, created by the backend; null for none
 * @param aliasInterface the host interface on which network mode addresses adds (and removes) its
 *     addresses as aliases; null when they are configured on the host already
 */
public record FreeBsdOptions(int enforceStatfs, Set<String> allow, int devfsRuleset, String parentJail,
        String zfsTemplate, String aliasInterface) {
    /** enforce_statfs 2, nothing allowed, ruleset 4, no parent, no ZFS template, no aliases. */
    public static final FreeBsdOptions DEFAULT = new FreeBsdOptions(2, Set.of(), 4, null);

    /**
     * Without a ZFS template or alias interface.
     *
     * @param enforceStatfs jail {@code enforce_statfs}
     * @param allow {@code allow.*} permissions
     * @param devfsRuleset the devfs ruleset
     * @param parentJail a parent jail, or null
     */
    public FreeBsdOptions(int enforceStatfs, Set<String> allow, int devfsRuleset, String parentJail) {
        this(enforceStatfs, allow, devfsRuleset, parentJail, null, null);
    }

    /** Validates. */
    public FreeBsdOptions {
        allow = Set.copyOf(allow == null ? Set.of() : allow);
        if (enforceStatfs < 0 || enforceStatfs > 2) {
            throw new SpecValidationException("enforce_statfs must be 0, 1 or 2, got " + enforceStatfs);
        }
        if (devfsRuleset < 0) {
            throw new SpecValidationException("devfs ruleset must not be negative, got " + devfsRuleset);
        }
        if (zfsTemplate != null && !zfsTemplate.matches("[A-Za-z0-9][A-Za-z0-9_.:/-]*@[A-Za-z0-9_.:-]+")) {
            throw new SpecValidationException("ZFS template must be a snapshot such as pool/isola/base@v1, got \"" + zfsTemplate + "\"");
        }
        if (aliasInterface != null && !aliasInterface.matches("[A-Za-z][A-Za-z0-9_.]{0,14}")) {
            throw new SpecValidationException("alias interface must be an interface name such as lo1, got \"" + aliasInterface + "\"");
        }
    }
}
