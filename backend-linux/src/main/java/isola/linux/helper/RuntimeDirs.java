// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

import isola.api.IsolationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The private 0700 runtime directory that holds the extracted helper and the per-launch sockets:
 * {@code $ISOLA_RUNTIME_DIR}, else {@code /run/isola} for root, else {@code $XDG_RUNTIME_DIR/isola},
 * else {@code /tmp/isola-<uid>}. A directory not owned by us or open to others is refused.
 */
public final class RuntimeDirs {
    private RuntimeDirs() {
    }

    /**
     * @param uid the caller's uid
     * @return the runtime directory, created if needed
     */
    public static Path base(int uid) {
        String env = System.getenv("ISOLA_RUNTIME_DIR");
        Path base;
        if (env != null && !env.isEmpty()) {
            base = Path.of(env);
        } else if (uid == 0) {
            base = Path.of("/run/isola");
        } else if (System.getenv("XDG_RUNTIME_DIR") != null && Files.isDirectory(Path.of(System.getenv("XDG_RUNTIME_DIR")))) {
            base = Path.of(System.getenv("XDG_RUNTIME_DIR"), "isola");
        } else {
            base = Path.of("/tmp", "isola-" + uid);
        }
        return privateDir(base, uid);
    }

    /**
     * @param dir a directory
     * @param uid who must own it
     * @return the directory, created 0700 when missing
     * @throws IsolationException when it is a symlink, someone else's, or open to others
     */
    public static Path privateDir(Path dir, int uid) {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another JVM created it; checked below
                }
            }
            if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IsolationException("runtime directory " + dir + " is not a directory (a symlink is refused)");
            }
            int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != uid) {
                throw new IsolationException("runtime directory " + dir + " belongs to uid " + owner + ", not " + uid
                        + "; remove it or set ISOLA_RUNTIME_DIR");
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return dir;
        } catch (IOException e) {
            throw new IsolationException("cannot prepare runtime directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
