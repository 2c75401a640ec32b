// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.SpecValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside a jail root on the host as if the root were {@code /}: absolute symlinks
 * start again at the root and {@code ..} stops at it. Mounts are made by the host with host
 * privileges, so a symlink in an image must never send one outside the root.
 */
public final class SafePaths {
    private static final int MAX_LINKS = 40;

    private SafePaths() {
    }

    /**
     * @param root the jail root on the host (itself resolved)
     * @param inside an absolute path inside the jail
     * @return the host path, inside root; the part that does not exist yet is appended as written
     */
    public static Path resolve(Path root, String inside) {
        Deque<String> todo = new ArrayDeque<>(split(inside));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.equals(".") || part.isEmpty()) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path here = join(root, done).resolve(part);
            if (Files.isSymbolicLink(here)) {
                if (++links > MAX_LINKS) {
                    throw new SpecValidationException("path " + inside + " in root " + root + " has more than "
                            + MAX_LINKS + " symbolic links (ELOOP)");
                }
                String target;
                try {
                    target = Files.readSymbolicLink(here).toString();
                } catch (IOException e) {
                    throw new SpecValidationException("cannot read symbolic link " + here + ": " + e.getMessage());
                }
                List<String> t = split(target);
                for (int i = t.size() - 1; i >= 0; i--) {
                    todo.addFirst(t.get(i));
                }
                if (target.startsWith("/")) {
                    done.clear();
                }
                continue;
            }
            done.add(part);
            if (!Files.exists(here, LinkOption.NOFOLLOW_LINKS)) {
                // the rest does not exist yet: no symlink can be on it
                while (!todo.isEmpty()) {
                    String rest = todo.pollFirst();
                    if (rest.equals("..")) {
                        if (!done.isEmpty()) {
                            done.remove(done.size() - 1);
                        }
                    } else if (!rest.equals(".") && !rest.isEmpty()) {
                        done.add(rest);
                    }
                }
            }
        }
        return join(root, done);
    }

    private static List<String> split(String p) {
        return new ArrayList<>(Arrays.asList(p.split("/")));
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }
}
