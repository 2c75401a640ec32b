// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.nio.file.Path;

/**
 * What the sandbox sees as {@code /}.
 *
 * @param directory the root directory on the host, or null for the host's own root
 * @param readOnly whether the root refuses writes (always true for the host's root)
 */
public record RootSpec(Path directory, boolean readOnly) {
    /** The host's root, read-only: the default, so that any command runs with no preparation. */
    public static final RootSpec HOST = new RootSpec(null, true);

    /** Validates. */
    public RootSpec {
        if (directory == null && !readOnly) {
            throw new SpecValidationException("the host's root can only be used read-only; give a root directory to have a writable root");
        }
        if (directory != null && !directory.isAbsolute()) {
            throw new SpecValidationException("root directory must be an absolute path, got \"" + directory + "\"");
        }
    }

    /**
     * @param dir the root directory
     * @param readOnly whether it is read-only
     * @return a directory root
     */
    public static RootSpec directory(Path dir, boolean readOnly) {
        return new RootSpec(dir, readOnly);
    }

    /** @return whether this is the host's root */
    public boolean isHost() {
        return directory == null;
    }
}
