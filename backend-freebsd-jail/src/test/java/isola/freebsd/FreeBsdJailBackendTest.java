// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.BackendUnavailableException;
import isola.api.Capability;
import isola.api.SandboxSpec;
import isola.spi.IsolationBackend;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class FreeBsdJailBackendTest {
    @Test
    void foundByServiceLoader() {
        assertTrue(ServiceLoader.load(IsolationBackend.class).stream().anyMatch(p -> p.type() == FreeBsdJailBackend.class));
        assertEquals("freebsd-jail", new FreeBsdJailBackend().name());
    }

    @Test
    void elsewhereItSaysWhichOsItNeeds() {
        var b = new FreeBsdJailBackend("Linux");
        assertFalse(b.probe().available());
        assertEquals("not a FreeBSD host (os.name is Linux)", b.probe().reason());
        assertTrue(b.capabilities().supported().isEmpty());
        assertEquals(b.probe().reason(), b.capabilities().missing().get(Capability.PID_ISOLATION));
    }

    @Test
    void onItsOwnOsItSaysItIsNotImplementedYet() {
        var b = new FreeBsdJailBackend("FreeBSD");
        assertFalse(b.probe().available());
        assertEquals(FreeBsdJailBackend.NOT_YET, b.probe().reason());
    }

    @Test
    void everyRequestFailsClosedBeforeAnySideEffect() {
        var e = assertThrows(BackendUnavailableException.class, () -> new FreeBsdJailBackend("Linux").create(SandboxSpec.builder().build()));
        assertEquals("backend freebsd-jail is unavailable: not a FreeBSD host (os.name is Linux)", e.getMessage());
    }
}
