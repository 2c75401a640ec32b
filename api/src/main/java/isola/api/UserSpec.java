// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.util.List;

/**
 * Who the sandboxed process runs as: numeric ids, or a user name resolved inside the sandbox's
 * root ({@code /etc/passwd} and {@code /etc/group} of the sandbox, not of the host).
 *
 * @param uid the user id, or -1 when {@link #name} is given
 * @param gid the group id, or -1 for the user's primary group
 * @param groups supplementary group ids
 * @param name a user name to resolve inside the sandbox, or null
 */
public record UserSpec(int uid, int gid, List<Integer> groups, String name) {
    /** Root with no supplementary groups. */
    public static final UserSpec ROOT = new UserSpec(0, 0, List.of(), null);

    /** Validates and copies. */
    public UserSpec {
        groups = List.copyOf(groups == null ? List.of() : groups);
        if (name == null && uid < 0) {
            throw new SpecValidationException("user id must not be negative: " + uid);
        }
        if (gid < -1) {
            throw new SpecValidationException("group id must not be negative: " + gid);
        }
        if (name != null && name.isEmpty()) {
            throw new SpecValidationException("user name must not be empty");
        }
        for (int g : groups) {
            if (g < 0) {
                throw new SpecValidationException("supplementary group id must not be negative: " + g);
            }
        }
    }

    /**
     * @param uid user id
     * @param gid group id
     * @return numeric ids, no supplementary groups
     */
    public static UserSpec of(int uid, int gid) {
        return new UserSpec(uid, gid, List.of(), null);
    }

    /**
     * @param name a user name resolved inside the sandbox
     * @return the user, with its primary group and groups from the sandbox's files
     */
    public static UserSpec named(String name) {
        return new UserSpec(-1, -1, List.of(), name);
    }

    /**
     * Parses {@code UID[:GID]} or {@code NAME[:GROUP-ID]} as {@code -u} takes it.
     *
     * @param text the user
     * @return the user
     */
    public static UserSpec parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length > 2 || parts[0].isEmpty() || parts[0].startsWith("-")) {
            throw new SpecValidationException("user must be UID[:GID] or NAME[:GID], got \"" + text + "\"");
        }
        int gid = -1;
        if (parts.length == 2) {
            gid = parseId(parts[1], "group id", text);
        }
        if (parts[0].chars().allMatch(Character::isDigit)) {
            int uid = parseId(parts[0], "user id", text);
            return new UserSpec(uid, gid == -1 ? uid : gid, List.of(), null);
        }
        return new UserSpec(-1, gid, List.of(), parts[0]);
    }

    private static int parseId(String s, String what, String text) {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SpecValidationException(what + " must be a non-negative number in \"" + text + "\"");
        }
    }
}
