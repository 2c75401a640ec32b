// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsTest {
    @Test
    void securityDefaultIsNoNewPrivsWithMinimalPrivileges() {
        assertTrue(SecuritySpec.DEFAULT.noNewPrivileges());
        assertNull(SecuritySpec.DEFAULT.privileges());
    }

    @Test
    void securityPrivilegesAreCopied() {
        Set<String> p = new HashSet<>(Set.of("CAP_KILL"));
        SecuritySpec s = new SecuritySpec(true, p);
        p.add("CAP_SYS_ADMIN");
        assertEquals(Set.of("CAP_KILL"), s.privileges());
        assertThrows(UnsupportedOperationException.class, () -> s.privileges().add("CAP_CHOWN"));
    }

    @Test
    void linuxDefaults() {
        assertEquals(LinuxOptions.UserNamespace.AUTO, LinuxOptions.DEFAULT.userNamespace());
        assertTrue(LinuxOptions.DEFAULT.mapToRoot());
        assertTrue(LinuxOptions.DEFAULT.cgroupNamespace());
        assertNull(LinuxOptions.DEFAULT.cgroupParent());
    }

    @Test
    void linuxNullUserNamespaceIsAuto() {
        assertEquals(LinuxOptions.UserNamespace.AUTO, new LinuxOptions(null, false, false, null).userNamespace());
    }

    @Test
    void freebsdDefaults() {
        assertEquals(2, FreeBsdOptions.DEFAULT.enforceStatfs());
        assertEquals(Set.of(), FreeBsdOptions.DEFAULT.allow());
        assertEquals(4, FreeBsdOptions.DEFAULT.devfsRuleset());
        assertNull(FreeBsdOptions.DEFAULT.parentJail());
    }

    @Test
    void freebsdValidation() {
        assertEquals(0, new FreeBsdOptions(0, null, 0, null).enforceStatfs());
        assertEquals(Set.of(), new FreeBsdOptions(0, null, 0, null).allow());
        invalid(() -> new FreeBsdOptions(3, Set.of(), 4, null), "enforce_statfs", "3");
        invalid(() -> new FreeBsdOptions(-1, Set.of(), 4, null), "enforce_statfs", "-1");
        invalid(() -> new FreeBsdOptions(2, Set.of(), -1, null), "devfs ruleset", "-1");
    }

    @Test
    void freebsdZfsTemplateAndAliasInterface() {
        assertNull(FreeBsdOptions.DEFAULT.zfsTemplate());
        assertNull(FreeBsdOptions.DEFAULT.aliasInterface());
        FreeBsdOptions o = new FreeBsdOptions(2, Set.of(), 4, null, "tank/isola/base-15.0@v1", "lo1");
        assertEquals("tank/isola/base-15.0@v1", o.zfsTemplate());
        assertEquals("lo1", o.aliasInterface());
        invalid(() -> new FreeBsdOptions(2, Set.of(), 4, null, "tank/isola/base", null), "snapshot", "tank/isola/base");
        invalid(() -> new FreeBsdOptions(2, Set.of(), 4, null, null, "lo1; rm"), "interface", "lo1; rm");
    }

    @Test
    void freebsdAllowIsCopied() {
        Set<String> allow = new HashSet<>(Set.of("raw_sockets"));
        FreeBsdOptions o = new FreeBsdOptions(2, allow, 4, null);
        allow.add("mount");
        assertEquals(Set.of("raw_sockets"), o.allow());
        assertFalse(o.allow().contains("mount"));
    }

    @Test
    void solarisDefaults() {
        assertNull(SolarisOptions.DEFAULT.brand());
        assertNull(SolarisOptions.DEFAULT.limitpriv());
        assertNull(SolarisOptions.DEFAULT.templateZone());
    }
}
