// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.util.Set;

/**
 * Privilege settings for the sandbox's processes.
 *
 * @param noNewPrivileges whether exec can never gain privileges (setuid bits, file capabilities); on by default
 * @param privileges the privileges the process keeps, by their host names (on Linux capability
 *     names such as {@code CAP_KILL}); null for the backend's minimal default
 */
public record SecuritySpec(boolean noNewPrivileges, Set<String> privileges) {
    /** no_new_privs on, minimal default privileges. */
    public static final SecuritySpec DEFAULT = new SecuritySpec(true, null);

    /** Copies. */
    public SecuritySpec {
        privileges = privileges == null ? null : Set.copyOf(privileges);
    }
}
