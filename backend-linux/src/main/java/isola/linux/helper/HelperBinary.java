// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

import isola.api.BackendUnavailableException;
import isola.api.IsolationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The helper binary shipped inside the jar, extracted once per machine and version into the
 * private runtime directory under a name derived from its SHA-256, written atomically.
 */
public final class HelperBinary {
    private HelperBinary() {
    }

    /** @return the jar resource name of this architecture's helper */
    public static String resourceName() {
        return "/isola/linux/helper/isola-spawn-" + System.getProperty("os.arch");
    }

    /** @return whether the jar carries a helper for this architecture */
    public static boolean present() {
        return HelperBinary.class.getResource(resourceName()) != null;
    }

    /**
     * @param runtimeDir the private runtime directory
     * @param uid the caller's uid
     * @return the path of the executable helper
     */
    public static Path extract(Path runtimeDir, int uid) {
        byte[] bytes;
        try (InputStream in = HelperBinary.class.getResourceAsStream(resourceName())) {
            if (in == null) {
                throw new BackendUnavailableException("this isola build has no helper for architecture "
                        + System.getProperty("os.arch") + " (resource " + resourceName() + " missing)");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IsolationException("cannot read the helper from the jar: " + e.getMessage(), e);
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = RuntimeDirs.privateDir(runtimeDir.resolve("helper-" + hash), uid);
        Path exe = dir.resolve("isola-spawn");
        try {
            if (Files.isRegularFile(exe) && Files.size(exe) == bytes.length) {
                return exe;
            }
            Path tmp = Files.createTempFile(dir, "isola-spawn", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.write(tmp, bytes);
            Files.move(tmp, exe, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return exe;
        } catch (IOException e) {
            throw new IsolationException("cannot extract the helper to " + exe + ": " + e.getMessage(), e);
        }
    }
}
