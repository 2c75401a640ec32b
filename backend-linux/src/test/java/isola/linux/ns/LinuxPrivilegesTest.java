// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import isola.api.RlimitType;
import isola.api.SpecValidationException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinuxPrivilegesTest {
    @Test
    void defaultIsRuncsThreeCapabilities() {
        // capability.h: CAP_KILL 5, CAP_NET_BIND_SERVICE 10, CAP_AUDIT_WRITE 29
        assertEquals((1L << 5) | (1L << 10) | (1L << 29), LinuxPrivileges.mask(null));
        assertEquals(0x20000420L, LinuxPrivileges.mask(null));
    }

    @Test
    void namesAreAcceptedWithOrWithoutPrefix() {
        assertEquals(1L << 21, LinuxPrivileges.mask(Set.of("sys_admin")));
        assertEquals((1L << 12) | (1L << 40), LinuxPrivileges.mask(Set.of("CAP_NET_ADMIN", "CHECKPOINT_RESTORE")));
        assertEquals(List.of("CAP_CHOWN", "CAP_SYS_ADMIN"), LinuxPrivileges.names(1L | (1L << 21)));
        assertEquals(0L, LinuxPrivileges.mask(Set.of()));
    }

    @Test
    void unknownCapabilityIsRefused() {
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> LinuxPrivileges.mask(Set.of("CAP_FLY")));
        assertEquals("unknown capability \"CAP_FLY\"", e.getMessage());
    }

    @Test
    void rlimitNumbersAreLinuxs() {
        // asm-generic/resource.h: RLIMIT_NPROC 6, RLIMIT_NOFILE 7, RLIMIT_AS 9 (FreeBSD's NOFILE is 8)
        assertEquals(7, LinuxRlimits.number(RlimitType.NOFILE));
        assertEquals(6, LinuxRlimits.number(RlimitType.NPROC));
        assertEquals(9, LinuxRlimits.number(RlimitType.AS));
        assertEquals("NOFILE", LinuxRlimits.name(7));
    }
}
