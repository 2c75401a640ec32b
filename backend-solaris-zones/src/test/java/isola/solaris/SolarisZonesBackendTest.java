// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

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

class SolarisZonesBackendTest {
    @Test
    void foundByServiceLoader() {
        assertTrue(ServiceLoader.load(IsolationBackend.class).stream().anyMatch(p -> p.type() == SolarisZonesBackend.class));
        assertEquals("solaris-zones", new SolarisZonesBackend().name());
    }

    @Test
    void elsewhereItSaysWhichOsItNeeds() {
        var b = new SolarisZonesBackend("Linux");
        assertFalse(b.probe().available());
        assertEquals("not a SunOS host (os.name is Linux)", b.probe().reason());
        assertTrue(b.capabilities().supported().isEmpty());
        assertEquals(b.probe().reason(), b.capabilities().missing().get(Capability.PID_ISOLATION));
    }

    @Test
    void onItsOwnOsItSaysItIsNotImplementedYet() {
        var b = new SolarisZonesBackend("SunOS");
        assertFalse(b.probe().available());
        assertEquals(SolarisZonesBackend.NOT_YET, b.probe().reason());
    }

    @Test
    void everyRequestFailsClosedBeforeAnySideEffect() {
        var e = assertThrows(BackendUnavailableException.class, () -> new SolarisZonesBackend("Linux").create(SandboxSpec.builder().build()));
        assertEquals("backend solaris-zones is unavailable: not a SunOS host (os.name is Linux)", e.getMessage());
    }
}
