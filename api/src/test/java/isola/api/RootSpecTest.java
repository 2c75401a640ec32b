// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RootSpecTest {
    @Test
    void hostRootIsReadOnly() {
        assertNull(RootSpec.HOST.directory());
        assertTrue(RootSpec.HOST.readOnly());
        assertTrue(RootSpec.HOST.isHost());
        assertEquals(RootSpec.HOST, new RootSpec(null, true));
    }

    @Test
    void hostRootCannotBeWritable() {
        invalid(() -> new RootSpec(null, false), "host's root", "read-only");
    }

    @Test
    void directoryRoot() {
        RootSpec w = RootSpec.directory(Path.of("/srv/rootfs"), false);
        assertEquals(Path.of("/srv/rootfs"), w.directory());
        assertFalse(w.readOnly());
        assertFalse(w.isHost());
        assertTrue(RootSpec.directory(Path.of("/srv/rootfs"), true).readOnly());
    }

    @Test
    void relativeDirectoryIsRefused() {
        invalid(() -> RootSpec.directory(Path.of("rootfs"), true), "root directory", "absolute", "\"rootfs\"");
    }
}
