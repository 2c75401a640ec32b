// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.SpecValidationException;
import isola.api.UserSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a user name with the jail's own {@code /etc/passwd} and {@code /etc/group} (read on
 * the host through {@link SafePaths}, so a symlinked passwd cannot point at the host's), and fills
 * in the primary group of numeric ids.
 */
final class UserFiles {
    private UserFiles() {
    }

    static UserSpec resolve(UserSpec u, Path root) {
        if (u.name() == null) {
            return u.gid() < 0 ? new UserSpec(u.uid(), u.uid(), u.groups(), null) : u;
        }
        for (String line : lines(root, "/etc/passwd")) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && f[0].equals(u.name())) {
                int uid = Integer.parseInt(f[2]);
                int gid = u.gid() >= 0 ? u.gid() : Integer.parseInt(f[3]);
                List<Integer> groups = new ArrayList<>(u.groups());
                for (String g : lines(root, "/etc/group")) {
                    String[] gf = g.split(":", -1);
                    if (gf.length >= 4 && List.of(gf[3].split(",")).contains(u.name())) {
                        groups.add(Integer.parseInt(gf[2]));
                    }
                }
                return new UserSpec(uid, gid, groups, null);
            }
        }
        throw new SpecValidationException("user " + u.name() + " is not in the sandbox's /etc/passwd");
    }

    private static List<String> lines(Path root, String file) {
        try {
            return Files.readAllLines(SafePaths.resolve(root, file));
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }
}
