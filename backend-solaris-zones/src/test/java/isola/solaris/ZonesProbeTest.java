// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The features probe's parsers, and the network planner's, on tool outputs in the forms their man pages give. */
class ZonesProbeTest {
    @TempDir
    Path tmp;

    @Test
    void distributionsAreToldApartByTheirReleaseFile() {
        assertEquals(ZonesHost.Distribution.OMNIOS, ZonesProbe.distribution("  OmniOS v11 r151050\n  Copyright (c) 2017-2024 OmniOS Community Edition\n"));
        assertEquals(ZonesHost.Distribution.OPENINDIANA, ZonesProbe.distribution("             OpenIndiana Hipster 2024.04 (powered by illumos)\n"));
        assertEquals(ZonesHost.Distribution.SOLARIS, ZonesProbe.distribution("                             Oracle Solaris 11.4 X86\n"));
        assertEquals(ZonesHost.Distribution.SMARTOS, ZonesProbe.distribution("                       SmartOS 20240104T000000Z x86_64\n"));
        assertEquals(ZonesHost.Distribution.ILLUMOS, ZonesProbe.distribution("Tribblix 0m33\n"));
        assertEquals("OmniOS v11 r151050", ZonesProbe.firstLine("\n  OmniOS v11 r151050\n  Copyright\n"));
    }

    @Test
    void defaultBrandsFollowTheReferencesTable() {
        assertEquals("sparse", host(ZonesHost.Distribution.OMNIOS, "lipkg", "sparse").defaultBrand());
        assertEquals("lipkg", host(ZonesHost.Distribution.OMNIOS, "lipkg", "ipkg").defaultBrand());
        assertEquals("ipkg", host(ZonesHost.Distribution.OPENINDIANA, "ipkg").defaultBrand());
        assertEquals("solaris", host(ZonesHost.Distribution.SOLARIS, "solaris").defaultBrand());
        assertNull(host(ZonesHost.Distribution.SMARTOS, "joyent").defaultBrand());
        assertTrue(host(ZonesHost.Distribution.SOLARIS, "solaris").anet());
        assertFalse(host(ZonesHost.Distribution.OMNIOS, "sparse").anet());
    }

    private static ZonesHost host(ZonesHost.Distribution d, String... brands) {
        return new ZonesHost(d, "", Set.of(brands), null, true, true, true, true);
    }

    @Test
    void brandsAreTheDirectoriesWithAConfigXml() throws IOException {
        Path brand = tmp.resolve("usr/lib/brand");
        for (String b : List.of("ipkg", "lipkg", "sparse", "shared")) {
            Files.createDirectories(brand.resolve(b));
            if (!b.equals("shared")) {
                Files.writeString(brand.resolve(b).resolve("config.xml"), "<brand/>");
            }
        }
        assertEquals(Set.of("ipkg", "lipkg", "sparse"), ZonesProbe.brands(brand));
        assertEquals(Set.of(), ZonesProbe.brands(tmp.resolve("nothing")));
    }

    @Test
    void zfsSchedulerOutputs() {
        String zfs = "rpool\t/rpool\nrpool/ROOT\tlegacy\nrpool/zones\t/zones\nrpool/zones/isola-a\t/zones/isola-a\n";
        assertEquals("rpool/zones", ZonesProbe.dataset(zfs, "/zones"));
        assertNull(ZonesProbe.dataset(zfs, "/export/zones"));
        assertTrue(ZonesProbe.fss("FSS\t(Fair Share)\n"));
        assertFalse(ZonesProbe.fss("TS\t(Time Sharing)\n"));
    }

    @Test
    void ipadmAddressesSkipIpv6AndLoopback() {
        List<String[]> ifs = NetworkPlanner.interfaces("lo0/v4:127.0.0.1/8\ne1000g0/_a:10.0.2.15/24\nvioif1/v4:192.168.56.10/24\n"
                + "lo0/v6:\\:\\:1/128\ne1000g0/_b:fe80\\:\\:a00\\:27ff\\:fe12\\:3456/10\n");
        assertEquals(3, ifs.size());
        assertEquals(List.of("vioif1", "192.168.56.10", "24"), List.of(ifs.get(2)));
        var zn = NetworkPlanner.addresses(List.of("10.0.2.77", "192.168.56.20/32"), "lo0/v4:127.0.0.1/8\ne1000g0/_a:10.0.2.15/24\nvioif1/v4:192.168.56.10/24\n");
        assertEquals(ZoneConfig.IpType.SHARED, zn.ipType());
        assertEquals(List.of(new ZoneConfig.Net("e1000g0", "10.0.2.77/24", null, null), new ZoneConfig.Net("vioif1", "192.168.56.20/32", null, null)), zn.nets());
        assertThrows(SpecValidationException.class, () -> NetworkPlanner.addresses(List.of("10.0.2.15"), "e1000g0/_a:10.0.2.15/24\n"));
        assertThrows(UnsupportedCapabilityException.class, () -> NetworkPlanner.addresses(List.of("fd00::5"), "e1000g0/_a:10.0.2.15/24\n"));
    }

    @Test
    void bridgeCandidatesExcludeNetworkBroadcastAndGateway() {
        ZonesBridge b = new ZonesBridge("isolastub0", "10.201.0.1", 24, "e1000g0");
        List<String> c = b.candidates();
        assertEquals(253, c.size());
        assertEquals("10.201.0.2", c.get(0));
        assertEquals("10.201.0.254", c.get(c.size() - 1));
        assertTrue(b.contains("10.201.0.77") && !b.contains("10.201.1.1"));
    }
}
