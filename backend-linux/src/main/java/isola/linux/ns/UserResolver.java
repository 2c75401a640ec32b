// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import isola.api.SpecValidationException;
import isola.api.UserSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a user name against the sandbox's own {@code /etc/passwd} and {@code /etc/group}
 * (never the host's, unless the sandbox's root is the host's), as runc does.
 */
public final class UserResolver {
    private UserResolver() {
    }

    /**
     * Numeric ids used as given; a name resolved in the root's files.
     *
     * @param user the user
     * @param root the sandbox's root directory on the host
     * @return numeric uid, gid and supplementary groups
     */
    public static UserSpec resolve(UserSpec user, Path root) {
        if (user.name() == null) {
            return user;
        }
        Path passwd = root.resolve("etc/passwd");
        for (String line : lines(passwd)) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && f[0].equals(user.name())) {
                int uid = parse(f[2], passwd);
                int gid = user.gid() >= 0 ? user.gid() : parse(f[3], passwd);
                List<Integer> groups = new ArrayList<>(user.groups());
                Path group = root.resolve("etc/group");
                if (Files.exists(group)) {
                    for (String g : lines(group)) {
                        String[] gf = g.split(":", -1);
                        if (gf.length >= 4 && List.of(gf[3].split(",")).contains(user.name())) {
                            int id = parse(gf[2], group);
                            if (!groups.contains(id) && id != gid) {
                                groups.add(id);
                            }
                        }
                    }
                }
                return new UserSpec(uid, gid, groups, null);
            }
        }
        throw new SpecValidationException("unknown user \"" + user.name() + "\": not in " + passwd);
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpecValidationException("cannot read " + p + " to resolve a user name: " + e.getMessage());
        }
    }

    private static int parse(String s, Path file) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new SpecValidationException("malformed id \"" + s + "\" in " + file);
        }
    }
}
