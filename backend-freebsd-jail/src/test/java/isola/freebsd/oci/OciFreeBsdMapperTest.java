// SPDX-License-Identifier: Apache-2.0
package isola.freebsd.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import isola.api.FreeBsdOptions;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.SpecValidationException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** config-freebsd.md (runtime-spec v1.3.0) examples and edge cases. */
class OciFreeBsdMapperTest {
    private static OciFreeBsdMapper.Result map(String json) throws Exception {
        return OciFreeBsdMapper.map(new ObjectMapper().readTree(json));
    }

    @Test
    void absentSectionIsTheDefault() {
        assertEquals(new OciFreeBsdMapper.Result(FreeBsdOptions.DEFAULT, NetworkSpec.NONE), OciFreeBsdMapper.map(null));
    }

    @Test
    void ownNetworkIsVnetNew() throws Exception {
        var r = map("{\"jail\":{\"vnet\":\"new\",\"sysvmsg\":\"new\",\"enforceStatfs\":1}}");
        assertEquals(NetworkSpec.NONE, r.network());
        assertEquals(1, r.options().enforceStatfs());
    }

    @Test
    void sharedNetworkInheritsIp() throws Exception {
        assertEquals(NetworkSpec.HOST, map("{\"jail\":{\"ip4\":\"inherit\",\"ip6\":\"inherit\"}}").network());
        assertEquals(NetworkSpec.HOST, map("{\"jail\":{\"vnet\":\"inherit\"}}").network());
    }

    @Test
    void addressesWithAnInterface() throws Exception {
        var r = map("{\"jail\":{\"ip4Addr\":[\"192.0.2.5\"],\"ip6Addr\":[\"2001:db8::5\"],\"interface\":\"lo1\",\"parent\":\"pod\"}}");
        assertEquals(new NetworkSpec(NetworkMode.ADDRESSES, List.of("192.0.2.5", "2001:db8::5"), List.of(), null), r.network());
        assertEquals("lo1", r.options().aliasInterface());
        assertEquals("pod", r.options().parentJail());
    }

    @Test
    void allowMapsToJailPermissions() throws Exception {
        var r = map("{\"jail\":{\"allow\":{\"rawSockets\":true,\"setHostname\":false,\"mount\":[\"nullfs\",\"tmpfs\"],\"socketAf\":true}}}");
        assertEquals(Set.of("raw_sockets", "noset_hostname", "mount", "mount.nullfs", "mount.tmpfs", "socket_af"), r.options().allow());
    }

    @Test
    void whatCannotBeHonouredIsRefusedByName() {
        assertTrue(assertThrows(SpecValidationException.class, () -> map("{\"jail\":{\"host\":\"inherit\"}}")).getMessage().contains("freebsd.jail.host"));
        assertTrue(assertThrows(SpecValidationException.class, () -> map("{\"jail\":{\"sysvshm\":\"inherit\"}}")).getMessage().contains("sysvshm"));
        assertTrue(assertThrows(SpecValidationException.class, () -> map("{\"devices\":[{\"path\":\"pf\",\"mode\":384}]}")).getMessage().contains("freebsd.devices"));
        assertTrue(assertThrows(SpecValidationException.class, () -> map("{\"jail\":{\"vnet\":\"new\",\"vnetInterfaces\":[\"em1\"]}}")).getMessage().contains("vnetInterfaces"));
        assertTrue(assertThrows(SpecValidationException.class, () -> map("{\"jail\":{\"ip4\":\"disable\",\"ip6\":\"disable\"}}")).getMessage().contains("loopback"));
        assertTrue(assertThrows(SpecValidationException.class, () -> map("{\"jail\":{\"bogus\":1}}")).getMessage().contains("freebsd.jail.bogus"));
        assertTrue(assertThrows(SpecValidationException.class, () -> map("{\"jail\":{\"allow\":{\"vmm\":true}}}")).getMessage().contains("allow.vmm"));
        assertTrue(assertThrows(SpecValidationException.class, () -> map("{\"jail\":{\"enforceStatfs\":3}}")).getMessage().contains("enforce_statfs"));
    }
}
