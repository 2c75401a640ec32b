// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxPathsTest {
    @ParameterizedTest
    @CsvSource({
        "/, /",
        "//, /",
        "/., /",
        "/a, /a",
        "/a/, /a",
        "//a/./b/, /a/b",
        "/a///b//c/, /a/b/c",
        "/a/./././b, /a/b",
        "/a/.b/b., /a/.b/b.",
        "/a/...., /a/....",
        "/with space/x, /with space/x",
    })
    void normalises(String in, String out) {
        assertEquals(out, SandboxPaths.checkInside("path", in));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../", "/a/..", "/a/../b", "//..//x", "/./../x"})
    void climbingIsRefused(String p) {
        SpecValidationException e = invalid(() -> SandboxPaths.checkInside("volume", p), "volume", "\"..\"", "\"" + p + "\"");
        assertTrue(e.getMessage().startsWith("volume "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b", ".", "..", "./a", " /a"})
    void relativeIsRefused(String p) {
        invalid(() -> SandboxPaths.checkInside("working directory", p), "working directory", "absolute", "\"" + p + "\"");
    }

    @Test
    void emptyAndNullAreRefused() {
        assertEquals("cwd is empty", invalid(() -> SandboxPaths.checkInside("cwd", "")).getMessage());
        assertEquals("cwd is empty", invalid(() -> SandboxPaths.checkInside("cwd", null)).getMessage());
    }

    @Test
    void nulIsRefused() {
        invalid(() -> SandboxPaths.checkInside("cwd", "/a\0/b"), "cwd", "NUL");
    }
}
