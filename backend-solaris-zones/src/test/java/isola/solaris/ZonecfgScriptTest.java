// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.Capability;
import isola.api.Limits;
import isola.api.MountSpec;
import isola.api.RootSpec;
import isola.api.SandboxSpec;
import isola.api.SecuritySpec;
import isola.api.SolarisOptions;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Expected scripts are written from zonecfg(8) and the reference's §2/§4 resource table, not from the code. */
class ZonecfgScriptTest {
    static final ZonesHost OMNIOS = new ZonesHost(ZonesHost.Distribution.OMNIOS, "OmniOS v11 r151050",
            Set.of("ipkg", "lipkg", "sparse", "pkgsrc", "lx"), "rpool/zones", true, true, true, true);

    private static ZoneConfig plan(SandboxSpec spec, ZoneNetwork net) {
        String brand = ZonePlanner.brand(spec, OMNIOS);
        return ZonePlanner.zone(spec, OMNIOS, brand, "/zones/" + ZoneNames.zone(spec.id()), net);
    }

    @Test
    void theSmallestSandboxIsASparseExclusiveIpZoneWithoutLinks() {
        String script = ZonecfgScript.render(plan(SandboxSpec.builder().id("web1").build(), ZoneNetwork.NONE));
        assertEquals("""
                create -b
                set zonepath=/zones/isola-web1
                set brand=sparse
                set autoboot=false
                set ip-type=exclusive
                verify
                commit
                """, script);
    }

    @Test
    void everyResourceIsRendered() {
        SandboxSpec spec = SandboxSpec.builder().id("full")
                .mount(MountSpec.bind(Path.of("/srv/data"), "/data", true))
                .mount(MountSpec.bind(Path.of("/srv/out"), "/out", false))
                .mount(new MountSpec(MountSpec.Type.TMPFS, null, "/scratch", false, 64L << 20, 01777))
                .limits(new Limits(512L << 20, 1L << 30, 1.5, 200, null, null, 100L, null, List.of()))
                .solaris(new SolarisOptions(null, "default,-proc_info", null))
                .build();
        ZoneNetwork net = new ZoneNetwork(ZoneConfig.IpType.EXCLUSIVE,
                List.of(new ZoneConfig.Net("isola12345678900", null, "10.88.0.2/24", "10.88.0.1")), List.of());
        assertEquals("""
                create -b
                set zonepath=/zones/isola-full
                set brand=sparse
                set autoboot=false
                set ip-type=exclusive
                set limitpriv="default,-proc_info"
                add net
                set physical=isola12345678900
                set allowed-address=10.88.0.2/24
                set defrouter=10.88.0.1
                end
                add fs
                set dir=/data
                set special=/srv/data
                set type=lofs
                set options=[ro,nodevices]
                end
                add fs
                set dir=/out
                set special=/srv/out
                set type=lofs
                set options=[rw,nodevices]
                end
                add fs
                set dir=/scratch
                set special=swap
                set type=tmpfs
                set options=["size=64m","mode=1777"]
                end
                add capped-memory
                set physical=512M
                set swap=1G
                end
                add capped-cpu
                set ncpus=1.5
                end
                add rctl
                set name=zone.cpu-shares
                add value (priv=privileged,limit=200,action=none)
                end
                add rctl
                set name=zone.max-processes
                add value (priv=privileged,limit=100,action=deny)
                end
                add rctl
                set name=zone.max-lwps
                add value (priv=privileged,limit=100,action=deny)
                end
                verify
                commit
                """, ZonecfgScript.render(plan(spec, net)));
    }

    @Test
    void sharedIpAndDedicatedCpuAndAnet() {
        SandboxSpec spec = SandboxSpec.builder().id("s").solaris(new SolarisOptions(null, null, null, "2")).build();
        ZoneNetwork shared = new ZoneNetwork(ZoneConfig.IpType.SHARED,
                List.of(new ZoneConfig.Net("e1000g0", "192.168.1.50/24", null, null)), List.of());
        String script = ZonecfgScript.render(plan(spec, shared));
        assertTrue(script.contains("""
                set ip-type=shared
                add net
                set physical=e1000g0
                set address=192.168.1.50/24
                end
                add dedicated-cpu
                set ncpus=2
                end
                """), script);
        ZoneNetwork anet = new ZoneNetwork(ZoneConfig.IpType.EXCLUSIVE, List.of(),
                List.of(new ZoneConfig.Anet("net0", "isolastub0", "10.88.0.3/24", "10.88.0.1")));
        assertTrue(ZonecfgScript.render(plan(spec, anet)).contains("""
                add anet
                set linkname=net0
                set lower-link=isolastub0
                set allowed-address=10.88.0.3/24
                set defrouter=10.88.0.1
                end
                """));
    }

    @Test
    void pathsWithSpacesAreQuotedAndUnwritableOnesRefused() {
        SandboxSpec ok = SandboxSpec.builder().id("q").mount(MountSpec.bind(Path.of("/srv/my data"), "/d", true)).build();
        assertTrue(ZonecfgScript.render(plan(ok, ZoneNetwork.NONE)).contains("set special=\"/srv/my data\"\n"));
        for (String bad : List.of("/srv/a\"b", "/srv/a\nset brand=lx", "/srv/a;b", "/srv/a\\b")) {
            SandboxSpec s = SandboxSpec.builder().id("q").mount(MountSpec.bind(Path.of(bad), "/d", true)).build();
            SpecValidationException e = assertThrows(SpecValidationException.class, () -> ZonecfgScript.render(plan(s, ZoneNetwork.NONE)));
            assertTrue(e.getMessage().startsWith("special \"/srv/a"), e.getMessage());
        }
    }

    @Test
    void whatZonesCannotDoFailsClosedNamingTheCapability() {
        assertEquals(Capability.ROOT_DIRECTORY, refused(SandboxSpec.builder().id("r").root(RootSpec.directory(Path.of("/srv/root"), false))));
        assertEquals(Capability.HOST_ROOT, refused(SandboxSpec.builder().id("r").solaris(new SolarisOptions("lipkg", null, null))));
        assertEquals(Capability.PRIVILEGE_SET, refused(SandboxSpec.builder().id("r").security(new SecuritySpec(true, Set.of("CAP_NET_RAW")))));
        assertEquals(Capability.CPUSET, refused(SandboxSpec.builder().id("r").limits(new Limits(null, null, null, null, "0-1", null, null, null, List.of()))));
        assertEquals(Capability.IO_LIMIT, refused(SandboxSpec.builder().id("r").limits(new Limits(null, null, null, null, null, null, null, 100, List.of()))));
        assertEquals(Capability.CPU_LIMIT, refused(SandboxSpec.builder().id("r").limits(new Limits(null, null, 0.004, null, null, null, null, null, List.of()))));
        assertEquals(Capability.CPU_LIMIT, refused(SandboxSpec.builder().id("r").limits(new Limits(null, null, 1.0, null, null, null, null, null, List.of()))
                .solaris(new SolarisOptions(null, null, null, "1"))));
        assertEquals(Capability.PID_ISOLATION, refused(SandboxSpec.builder().id("r").solaris(new SolarisOptions("bhyve", null, null))));
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> ZoneLimits.map(new Limits(null, null, null, 100, null, null, null, null, List.of()),
                        new ZonesHost(ZonesHost.Distribution.OMNIOS, "", Set.of("sparse"), null, true, false, true, true), null));
        assertTrue(e.reason().contains("dispadmin -d FSS"), e.reason());
    }

    @Test
    void badLimitprivIsRefused() {
        assertThrows(SpecValidationException.class, () -> plan(SandboxSpec.builder().id("p")
                .solaris(new SolarisOptions(null, "default;reboot", null)).build(), ZoneNetwork.NONE));
    }

    private static Capability refused(SandboxSpec.Builder b) {
        return assertThrows(UnsupportedCapabilityException.class, () -> plan(b.build(), ZoneNetwork.NONE)).capability();
    }

    @Test
    void scaledSizesUseTheLargestExactUnit() {
        assertEquals("512M", ZoneLimits.scaled(512L << 20));
        assertEquals("1G", ZoneLimits.scaled(1L << 30));
        assertEquals("2T", ZoneLimits.scaled(2L << 40));
        assertEquals("1536K", ZoneLimits.scaled(1536L << 10));
        assertEquals("1000", ZoneLimits.scaled(1000));
        assertEquals("1k", ZoneLimits.tmpfsSize(1));
        assertEquals("2g", ZoneLimits.tmpfsSize(2L << 30));
    }

    @Test
    void cpuQuotasArePercentOfOneCpu() {
        assertEquals("0.5", ZoneLimits.map(new Limits(null, null, 0.5, null, null, null, null, null, List.of()), OMNIOS, null).cappedCpu());
        assertEquals("2", ZoneLimits.map(new Limits(null, null, 2.0, null, null, null, null, null, List.of()), OMNIOS, null).cappedCpu());
        assertEquals("0.01", ZoneLimits.map(new Limits(null, null, 0.01, null, null, null, null, null, List.of()), OMNIOS, null).cappedCpu());
    }

    @Test
    void templatesAreKeyedByWhatTheyAreInstalledFrom() {
        ZonePlanner.Template a = ZonePlanner.template("sparse", ZoneConfig.IpType.EXCLUSIVE, "/zones");
        assertEquals(a, ZonePlanner.template("sparse", ZoneConfig.IpType.EXCLUSIVE, "/zones"));
        assertNotEquals(a.name(), ZonePlanner.template("lipkg", ZoneConfig.IpType.EXCLUSIVE, "/zones").name());
        assertNotEquals(a.name(), ZonePlanner.template("sparse", ZoneConfig.IpType.SHARED, "/zones").name());
        assertEquals("""
                create -b
                set zonepath=/zones/%s
                set brand=sparse
                set autoboot=false
                set ip-type=exclusive
                verify
                commit
                """.formatted(a.name()), ZonecfgScript.render(a.config()));
    }
}
