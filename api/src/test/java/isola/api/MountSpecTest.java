// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MountSpecTest {
    @Test
    void bindFactory() {
        MountSpec m = MountSpec.bind(Path.of("/srv/data"), "/data", true);
        assertEquals(MountSpec.Type.BIND, m.type());
        assertEquals(Path.of("/srv/data"), m.source());
        assertEquals("/data", m.destination());
        assertTrue(m.readOnly());
        assertEquals(0, m.sizeBytes());
        assertEquals(-1, m.mode());
        assertFalse(MountSpec.bind(Path.of("/srv/data"), "/data", false).readOnly());
    }

    @Test
    void tmpfsFactoryIsWritableWithDefaultMode() {
        MountSpec m = MountSpec.tmpfs("/tmp", 64L << 20);
        assertEquals(MountSpec.Type.TMPFS, m.type());
        assertNull(m.source());
        assertEquals("/tmp", m.destination());
        assertFalse(m.readOnly());
        assertEquals(64L << 20, m.sizeBytes());
        assertEquals(-1, m.mode());
    }

    @ParameterizedTest
    @CsvSource({
        "//a/./b/, /a/b",
        "/a/b/, /a/b",
        "/a//b, /a/b",
        "/./a, /a",
        "/data, /data",
        "/a/..b/c.., /a/..b/c..",
        "/.../x, /.../x",
    })
    void destinationIsNormalised(String given, String normalised) {
        assertEquals(normalised, MountSpec.tmpfs(given, 0).destination());
        assertEquals(normalised, MountSpec.bind(Path.of("/src"), given, true).destination());
    }

    @ParameterizedTest
    @ValueSource(strings = {"data", "./data", "data/sub", "~/x"})
    void relativeDestinationIsRefused(String dest) {
        invalid(() -> MountSpec.tmpfs(dest, 0), "mount destination", "absolute", "\"" + dest + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../etc", "/a/../../etc", "/a/..", "/a/b/../c"})
    void dotDotInDestinationIsRefused(String dest) {
        invalid(() -> MountSpec.bind(Path.of("/srv"), dest, true), "mount destination", "..", "\"" + dest + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "//", "/.", "/./", "///./."})
    void rootAsDestinationIsRefused(String dest) {
        invalid(() -> MountSpec.tmpfs(dest, 0), "mount destination", "root");
    }

    @Test
    void emptyOrNullDestinationIsRefused() {
        invalid(() -> MountSpec.tmpfs("", 0), "mount destination is empty");
        invalid(() -> MountSpec.tmpfs(null, 0), "mount destination is empty");
    }

    @Test
    void nulInDestinationIsRefused() {
        invalid(() -> MountSpec.tmpfs("/a\0b", 0), "mount destination", "NUL");
    }

    @Test
    void missingTypeIsRefused() {
        invalid(() -> new MountSpec(null, null, "/tmp", false, 0, -1), "mount type");
    }

    @Test
    void bindWithoutSourceIsRefused() {
        invalid(() -> MountSpec.bind(null, "/data", true), "bind mount", "/data", "source");
    }

    @Test
    void bindWithRelativeSourceIsRefused() {
        invalid(() -> MountSpec.bind(Path.of("srv/data"), "/data", true), "source", "absolute", "\"srv/data\"");
    }

    @Test
    void tmpfsWithSourceIsRefused() {
        invalid(() -> new MountSpec(MountSpec.Type.TMPFS, Path.of("/srv"), "/tmp", false, 0, -1), "tmpfs", "/tmp");
    }

    @Test
    void negativeSizeIsRefused() {
        invalid(() -> MountSpec.tmpfs("/tmp", -1), "size", "/tmp", "-1");
        invalid(() -> MountSpec.tmpfs("/tmp", Long.MIN_VALUE), "size", "/tmp", Long.toString(Long.MIN_VALUE));
    }

    @Test
    void zeroSizeMeansDefault() {
        assertEquals(0, MountSpec.tmpfs("/tmp", 0).sizeBytes());
    }

    @Test
    void modeRange() {
        assertEquals(0, new MountSpec(MountSpec.Type.TMPFS, null, "/t", false, 0, 0).mode());
        assertEquals(01777, new MountSpec(MountSpec.Type.TMPFS, null, "/t", false, 0, 01777).mode());
        assertEquals(07777, new MountSpec(MountSpec.Type.TMPFS, null, "/t", false, 0, 07777).mode());
        invalid(() -> new MountSpec(MountSpec.Type.TMPFS, null, "/t", false, 0, 010000), "mode", "/t", "10000");
        invalid(() -> new MountSpec(MountSpec.Type.TMPFS, null, "/t", false, 0, -2), "mode", "/t", "-2");
    }
}
