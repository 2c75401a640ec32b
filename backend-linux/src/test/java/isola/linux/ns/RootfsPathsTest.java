// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import isola.api.SpecValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsPathsTest {
    @TempDir
    Path root;

    @Test
    void plainPathsResolveUnderTheRoot() {
        assertEquals(root.resolve("a/b"), RootfsPaths.resolve(root, "/a/b"));
    }

    @Test
    void absoluteSymlinksRestartAtTheRootLikeResolveInRoot() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/etc"));
        assertEquals(root.resolve("etc/foo"), RootfsPaths.resolve(root, "/abs/foo"));
    }

    @Test
    void relativeSymlinksStayInsideWhenTheyDoNotClimbOut() throws Exception {
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createDirectories(root.resolve("a/b"));
        Files.createSymbolicLink(root.resolve("a/b/up"), Path.of("../../usr"));
        assertEquals(root.resolve("usr/lib/x"), RootfsPaths.resolve(root, "/lib/x"));
        assertEquals(root.resolve("usr/y"), RootfsPaths.resolve(root, "/a/b/up/y"));
    }

    @Test
    void aSymlinkClimbingAboveTheRootIsRefused() throws Exception {
        Files.createDirectories(root.resolve("a"));
        Files.createSymbolicLink(root.resolve("a/out"), Path.of("../../x"));
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> RootfsPaths.resolve(root, "/a/out/f"));
        assertEquals("destination /a/out/f goes through symlink /a/out -> ../../x which points outside the root " + root,
                e.getMessage());
    }

    @Test
    void symlinkLoopsAreRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("l1"), Path.of("l2"));
        Files.createSymbolicLink(root.resolve("l2"), Path.of("l1"));
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> RootfsPaths.resolve(root, "/l1/x"));
        assertEquals("path /l1/x in root " + root + " has too many levels of symbolic links", e.getMessage());
    }
}
