// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.nio.file.Path;

/**
 * One mount inside the sandbox. Destinations are absolute paths inside the sandbox, resolved
 * inside its root so that a symlink in a root directory cannot send a mount outside it.
 *
 * @param type what kind of mount
 * @param source the host path for {@link Type#BIND}, null otherwise
 * @param destination the absolute path inside the sandbox
 * @param readOnly whether writes are refused
 * @param sizeBytes the size bound of a {@link Type#TMPFS}, 0 for the backend's default
 * @param mode the permission bits of a tmpfs root, -1 for 01777
 */
public record MountSpec(Type type, Path source, String destination, boolean readOnly, long sizeBytes, int mode) {
    /** Mount kinds that port across backends. */
    public enum Type {
        /** A host file or directory (Linux bind, FreeBSD nullfs, zone lofs). */
        BIND,
        /** A private memory-backed filesystem. */
        TMPFS
    }

    /** Validates. */
    public MountSpec {
        if (type == null) {
            throw new SpecValidationException("mount type is missing");
        }
        destination = SandboxPaths.checkInside("mount destination", destination);
        if (destination.equals("/")) {
            throw new SpecValidationException("mount destination must not be the root; use a root directory instead");
        }
        if (type == Type.BIND) {
            if (source == null) {
                throw new SpecValidationException("bind mount to " + destination + " has no source");
            }
            if (!source.isAbsolute()) {
                throw new SpecValidationException("bind mount source must be an absolute path, got \"" + source + "\"");
            }
        } else if (source != null) {
            throw new SpecValidationException("a tmpfs mount takes no source (" + destination + ")");
        }
        if (sizeBytes < 0) {
            throw new SpecValidationException("tmpfs size must not be negative for " + destination + ", got " + sizeBytes);
        }
        if (mode < -1 || mode > 07777) {
            throw new SpecValidationException("tmpfs mode must be between 0 and 07777 for " + destination + ", got " + (mode < 0 ? Integer.toString(mode) : "0" + Integer.toOctalString(mode)));
        }
    }

    /**
     * @param source host path
     * @param destination path inside the sandbox
     * @param readOnly whether it is read-only
     * @return a bind mount
     */
    public static MountSpec bind(Path source, String destination, boolean readOnly) {
        return new MountSpec(Type.BIND, source, destination, readOnly, 0, -1);
    }

    /**
     * @param destination path inside the sandbox
     * @param sizeBytes size bound, 0 for the default
     * @return a writable tmpfs with mode 01777
     */
    public static MountSpec tmpfs(String destination, long sizeBytes) {
        return new MountSpec(Type.TMPFS, null, destination, false, sizeBytes, -1);
    }
}
