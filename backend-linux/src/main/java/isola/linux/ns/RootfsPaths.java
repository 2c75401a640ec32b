// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import isola.api.SpecValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside a root directory the way the kernel's RESOLVE_IN_ROOT does (absolute
 * symlinks start again at the root), and refuses a relative symlink whose {@code ..} climbs
 * above the root. The helper resolves again with openat2 at mount time, so this check is for a
 * clear early error; the helper's resolution is what keeps mounts inside the root.
 */
public final class RootfsPaths {
    private static final int MAX_LINKS = 40;

    private RootfsPaths() {
    }

    /**
     * @param root the root directory on the host
     * @param inside an absolute, normalised path inside the root
     * @return the host path it resolves to (it need not exist)
     * @throws SpecValidationException when a symlink on the way escapes the root
     */
    public static Path resolve(Path root, String inside) {
        Deque<String> todo = new ArrayDeque<>(split(inside));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (done.isEmpty()) {
                    throw new SpecValidationException("path " + inside + " in root " + root + " climbs above the root");
                }
                done.remove(done.size() - 1);
                continue;
            }
            Path here = join(root, done).resolve(part);
            if (Files.isSymbolicLink(here)) {
                if (++links > MAX_LINKS) {
                    throw new SpecValidationException("path " + inside + " in root " + root + " has too many levels of symbolic links");
                }
                String target;
                try {
                    target = Files.readSymbolicLink(here).toString();
                } catch (IOException e) {
                    throw new SpecValidationException("cannot read symlink " + here + ": " + e.getMessage());
                }
                List<String> next = split(target);
                if (target.startsWith("/")) {
                    done.clear();
                } else if (escapes(done.size(), next)) {
                    throw new SpecValidationException("destination " + inside + " goes through symlink /"
                            + String.join("/", done) + (done.isEmpty() ? "" : "/") + part + " -> " + target
                            + " which points outside the root " + root);
                }
                for (int i = next.size() - 1; i >= 0; i--) {
                    todo.addFirst(next.get(i));
                }
                continue;
            }
            done.add(part);
        }
        return join(root, done);
    }

    private static boolean escapes(int depth, List<String> parts) {
        int d = depth;
        for (String p : parts) {
            if (p.equals("..")) {
                if (--d < 0) {
                    return true;
                }
            } else if (!p.equals(".")) {
                d++;
            }
        }
        return false;
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    /**
     * @param p a host path
     * @return whether it exists, not following a final symlink
     */
    public static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
}
