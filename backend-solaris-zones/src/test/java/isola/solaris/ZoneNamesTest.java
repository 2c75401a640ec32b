// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZoneNamesTest {
    /** The reference (§2): alphanumeric start, [A-Za-z0-9_.-]; sys/zone.h: at most 63 characters. */
    private static final String RULE = "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}";

    @Test
    void aShortIdKeepsItsName() {
        assertEquals("isola-web1", ZoneNames.zone("web1"));
        assertEquals("isola-a_b-c", ZoneNames.zone("a_b-c"));
        assertTrue(ZoneNames.isSandboxZone("isola-web1"));
    }

    @Test
    void theLongestIdStillMakesAValidDistinctName() {
        String id64 = "a".repeat(64);
        String z = ZoneNames.zone(id64);
        assertEquals(63, z.length());
        assertTrue(z.matches(RULE), z);
        assertTrue(z.startsWith("isola-" + "a".repeat(48) + "."), z);
        assertNotEquals(z, ZoneNames.zone("a".repeat(63)));
        // 57 characters is the longest id that fits as it is: 6 + 57 = 63
        assertEquals("isola-" + "b".repeat(57), ZoneNames.zone("b".repeat(57)));
        assertTrue(ZoneNames.zone("b".repeat(58)).contains("."));
    }

    @Test
    void aShortenedNameCannotEqualAnotherIdsPlainName() {
        String longId = "x".repeat(60);
        String shortened = ZoneNames.zone(longId);
        String lookalike = shortened.substring("isola-".length()).replace('.', '-');
        assertNotEquals(shortened, ZoneNames.zone(lookalike));
    }

    @Test
    void reservedNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ZoneNames.check("global"));
        assertThrows(IllegalArgumentException.class, () -> ZoneNames.check("SUNWdefault"));
        assertThrows(IllegalArgumentException.class, () -> ZoneNames.check("-x"));
        assertThrows(IllegalArgumentException.class, () -> ZoneNames.check("a".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> ZoneNames.check("a b"));
    }

    @Test
    void templatesAreNeverSandboxZones() {
        String t = ZoneNames.template(ZoneNames.sha256("x"));
        assertTrue(t.startsWith("isolatpl-"));
        assertEquals("isolatpl-".length() + 16, t.length());
        assertFalse(ZoneNames.isSandboxZone(t));
    }

    @Test
    void vnicNamesFollowDladmRules() {
        String v = ZoneNames.vnic("isola-web1");
        // dladm(8): starts with a letter, ends with a digit, under 32 characters
        assertTrue(v.matches("[A-Za-z][A-Za-z0-9_]*[0-9]") && v.length() < 32, v);
        assertEquals(v, ZoneNames.vnic("isola-web1"));
        assertNotEquals(v, ZoneNames.vnic("isola-web2"));
    }
}
