// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.BackendUnavailableException;
import isola.api.Capability;
import isola.api.IsolatedProcess;
import isola.api.IsolationException;
import isola.api.Limits;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.PortMapping;
import isola.api.ProcessSpec;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SandboxState;
import isola.api.SandboxStats;
import isola.api.UnsupportedCapabilityException;
import isola.spi.CapabilitySet;
import isola.spi.IsolationBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend end to end against the recording fake host (zones, links, NAT) and a stand-in zlogin that runs on this host. */
class SolarisZonesBackendTest {
    @TempDir
    Path tmp;
    private FakeZonesHost host;
    private SolarisZonesBackend backend;
    private Path runtime;
    private String base;

    @BeforeEach
    void setUp() throws IOException {
        host = new FakeZonesHost();
        host.links.add(ZoneNames.ETHERSTUB);
        host.extra.put("/usr/sbin/route -n get default", a -> FakeZonesHost.ok(a, "   route to: default\ninterface: e1000g0\n"));
        host.extra.put("/usr/sbin/ipadm show-addr", a -> FakeZonesHost.ok(a, "lo0/v4:127.0.0.1/8\ne1000g0/v4:192.168.56.10/24\nlo0/v6:\\:\\:1/128\n"));
        runtime = tmp.resolve("run");
        base = Files.createDirectories(tmp.resolve("zones")).toString();
        Path zlogin = tmp.resolve("zlogin");
        Files.writeString(zlogin, "#!/bin/sh\nshift 2\nexec /bin/sh -c \"$*\"\n");
        Files.setPosixFilePermissions(zlogin, PosixFilePermissions.fromString("rwx------"));
        backend = new SolarisZonesBackend("SunOS", host, tmp, runtime, base, zlogin.toString(), ZonecfgScriptTest.OMNIOS, null);
    }

    @Test
    void foundByServiceLoaderAndElsewhereItSaysWhichOsItNeeds() {
        assertTrue(ServiceLoader.load(IsolationBackend.class).stream().anyMatch(p -> p.type() == SolarisZonesBackend.class));
        var b = new SolarisZonesBackend("Linux");
        assertEquals("solaris-zones", b.name());
        assertFalse(b.probe().available());
        assertEquals("not a SunOS host (os.name is Linux)", b.probe().reason());
        assertTrue(b.capabilities().supported().isEmpty());
        var e = assertThrows(BackendUnavailableException.class, () -> b.create(SandboxSpec.builder().build()));
        assertEquals("backend solaris-zones is unavailable: not a SunOS host (os.name is Linux)", e.getMessage());
    }

    @Test
    void aSandboxIsABootedZoneProcessesRunInItAndCloseLeavesNothing() throws Exception {
        assertTrue(backend.probe().available(), backend.probe().reason());
        Sandbox s = backend.create(SandboxSpec.builder().id("run1").build());
        assertEquals("running", host.zones.get("isola-run1")[0]);
        assertEquals(SandboxState.CREATED, s.state());
        IsolatedProcess p = s.exec(ProcessSpec.builder("/bin/echo", "hello zone").build());
        assertEquals("hello zone\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, p.waitFor().exitCode());
        assertEquals(SandboxState.STOPPED, s.state());
        s.close();
        assertEquals(SandboxState.CLOSED, s.state());
        assertEquals(List.of(), host.leftovers());
        assertEquals(List.of(), listing(runtime.resolve("records")));
        s.close();
    }

    @Test
    void bridgeMakesAVnicAndNatRulesAndCloseRemovesThemAndTheLease() throws IOException {
        Sandbox s = backend.create(SandboxSpec.builder().id("br")
                .network(new NetworkSpec(NetworkMode.BRIDGE, List.of(), List.of(PortMapping.parse("8080:80")), null)).build());
        String vnic = ZoneNames.vnic("isola-br");
        assertTrue(host.links.contains(vnic));
        assertTrue(host.configs.get("isola-br").contains("add net\nset physical=" + vnic + "\nset allowed-address=10.201.0.2/24\nset defrouter=10.201.0.1\nend\n"));
        // ipnat(5) rules, written from its map/rdr grammar
        assertEquals(List.of("map e1000g0 10.201.0.2/32 -> 0/32 portmap tcp/udp auto", "map e1000g0 10.201.0.2/32 -> 0/32",
                "rdr e1000g0 0.0.0.0/0 port 8080 -> 10.201.0.2 port 80 tcp"), List.copyOf(host.natRules));
        assertEquals(List.of("10.201.0.2"), listing(runtime.resolve("leases")));
        int vnicAt = host.actions().indexOf("/usr/sbin/dladm create-vnic -l isolastub0 " + vnic);
        int cfgAt = indexOf(host.actions(), "/usr/sbin/zonecfg -z isola-br -f");
        assertTrue(vnicAt >= 0 && vnicAt < cfgAt, "the VNIC exists before the zone names it: " + host.actions());
        host.log.clear();
        s.close();
        List<String> a = host.actions();
        assertTrue(indexOf(a, "/usr/sbin/ipnat -r -f -") < indexOf(a, "/usr/sbin/zoneadm -z isola-br halt"), a.toString());
        assertTrue(indexOf(a, "/usr/sbin/zonecfg -z isola-br delete -F") < indexOf(a, "/usr/sbin/dladm delete-vnic " + vnic), a.toString());
        assertEquals(List.of(), host.leftovers());
        assertEquals(List.of(), listing(runtime.resolve("leases")));
    }

    @Test
    void aFailureAfterBootUndoesEverything() throws IOException {
        host.failOn("/usr/sbin/ipnat -f -");
        assertThrows(IsolationException.class, () -> backend.create(SandboxSpec.builder().id("nat")
                .network(new NetworkSpec(NetworkMode.BRIDGE, List.of(), List.of(), null)).build()));
        assertEquals(List.of(), host.leftovers());
        assertEquals(List.of(), listing(runtime.resolve("leases")));
        assertEquals(List.of(), listing(runtime.resolve("records")));
    }

    @Test
    void addressesMakeASharedIpZoneOnTheInterfaceOfTheirSubnet() {
        Sandbox s = backend.create(SandboxSpec.builder().id("sh")
                .network(new NetworkSpec(NetworkMode.ADDRESSES, List.of("192.168.56.50"), List.of(), null)).build());
        assertTrue(host.configs.get("isola-sh").contains("set ip-type=shared\nadd net\nset physical=e1000g0\nset address=192.168.56.50/24\nend\n"),
                host.configs.get("isola-sh"));
        s.close();
        var e = assertThrows(IsolationException.class, () -> backend.create(SandboxSpec.builder().id("sh2")
                .network(new NetworkSpec(NetworkMode.ADDRESSES, List.of("10.9.9.9"), List.of(), null)).build()));
        assertTrue(e.getMessage().startsWith("no interface of the global zone is in a subnet holding 10.9.9.9"), e.getMessage());
        assertEquals(List.of(), host.leftovers());
    }

    @Test
    void hostAndJoinFailClosedBeforeAnySideEffect() {
        assertEquals(Capability.NETWORK_HOST, assertThrows(UnsupportedCapabilityException.class,
                () -> backend.create(SandboxSpec.builder().id("h").network(NetworkSpec.HOST).build())).capability());
        assertEquals(Capability.NETWORK_JOIN, assertThrows(UnsupportedCapabilityException.class,
                () -> backend.create(SandboxSpec.builder().id("j").network(new NetworkSpec(NetworkMode.JOIN, List.of(), List.of(), "other")).build())).capability());
        assertEquals(Capability.CPUSET, assertThrows(UnsupportedCapabilityException.class,
                () -> backend.create(SandboxSpec.builder().id("c").limits(new Limits(null, null, null, null, "0", null, null, null, List.of())).build())).capability());
        assertEquals(List.of(), host.actions(), "nothing was run");
        assertFalse(Files.exists(runtime), "nothing was written");
    }

    @Test
    void theFirstCreateSweepsZonesThatDeadProcessesLeft() {
        host.zones.put("isola-stale", new String[] {"running", base + "/isola-stale", "sparse", "exclusive"});
        backend.create(SandboxSpec.builder().id("fresh").build()).close();
        assertFalse(host.zones.containsKey("isola-stale"));
        assertEquals(List.of(), host.leftovers());
    }

    @Test
    void anIdWhoseOwnerDiedAfterTheFirstSweepIsSweptAndReused() throws IOException {
        backend.create(SandboxSpec.builder().id("first").build()).close();
        Sandbox s = backend.create(SandboxSpec.builder().id("again").build());
        Path rec = runtime.resolve("records").resolve("isola-again");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(rec));
        lines.set(0, "owner 2147483646 0");
        Files.write(rec, lines);
        backend.create(SandboxSpec.builder().id("again").build()).close();
        assertEquals(List.of(), host.leftovers());
        assertEquals(SandboxState.CREATED, s.state());
    }

    private List<String> liveCommands() {
        return host.actions().stream().filter(l -> l.startsWith("/usr/bin/prctl") || l.startsWith("/usr/sbin/rcapadm"))
                .toList();
    }

    private Sandbox limited(String id) {
        host.extra.put("/usr/bin/prctl", a -> FakeZonesHost.ok(a, ""));
        host.extra.put("/usr/sbin/rcapadm", a -> FakeZonesHost.ok(a, ""));
        return backend.create(SandboxSpec.builder().id(id)
                .limits(new Limits(512L << 20, 1L << 30, 1.5, null, null, null, 100L, null, List.of())).build());
    }

    @Test
    void liveChangesAreRcapadmAndPrctlReplacingTheConfiguredValues() {
        Sandbox s = limited("live");
        Limits after = s.updateLimits(new Limits(1L << 30, 2L << 30, 0.5, null, null, null, 200L, null, List.of()));
        assertEquals(new Limits(1L << 30, 2L << 30, 0.5, null, null, null, 200L, null, List.of()), after);
        assertEquals(List.of(
                "/usr/sbin/rcapadm -z isola-live -m 1G",
                "/usr/bin/prctl -n zone.max-swap -t privileged -v 2147483648 -r -i zone isola-live",
                "/usr/bin/prctl -n zone.cpu-cap -t privileged -v 50 -r -i zone isola-live",
                "/usr/bin/prctl -n zone.max-processes -t privileged -v 200 -r -i zone isola-live",
                "/usr/bin/prctl -n zone.max-lwps -t privileged -v 200 -r -i zone isola-live"), liveCommands());
        host.log.clear();
        s.updateLimits(new Limits(null, null, null, null, null, null, 300L, null, List.of()));
        assertEquals(List.of(
                "/usr/bin/prctl -n zone.max-processes -t privileged -v 300 -r -i zone isola-live",
                "/usr/bin/prctl -n zone.max-lwps -t privileged -v 300 -r -i zone isola-live"), liveCommands(),
                "only what changes; the next change starts from the limits in force");
        s.close();
        var e = assertThrows(IsolationException.class,
                () -> s.updateLimits(new Limits(null, null, null, null, null, null, 5L, null, List.of())));
        assertEquals("sandbox live is closed", e.getMessage());
    }

    @Test
    void aLiveChangeFailingHalfWayPutsBackWhatItChanged() {
        Sandbox s = limited("half");
        host.log.clear();
        host.failOn("/usr/bin/prctl -n zone.max-lwps");
        var e = assertThrows(IsolationException.class,
                () -> s.updateLimits(new Limits(1L << 30, null, null, null, null, null, 200L, null, List.of())));
        assertTrue(e.getMessage().startsWith("changing the zone's limits failed, the ones already changed were put back: "),
                e.getMessage());
        assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
        assertEquals(List.of(
                "/usr/sbin/rcapadm -z isola-half -m 1G",
                "/usr/bin/prctl -n zone.max-processes -t privileged -v 200 -r -i zone isola-half",
                "/usr/bin/prctl -n zone.max-lwps -t privileged -v 200 -r -i zone isola-half",
                "/usr/bin/prctl -n zone.max-processes -t privileged -v 100 -r -i zone isola-half",
                "/usr/sbin/rcapadm -z isola-half -m 512M"), liveCommands());
        host.log.clear();
        s.updateLimits(new Limits(null, null, null, null, null, null, 150L, null, List.of()));
        assertTrue(liveCommands().get(0).contains("-v 150"), "the failed change left the old limits in force");
        s.close();
    }

    @Test
    void whatAZoneCannotChangeLiveFailsClosedAndRunsNothing() {
        Sandbox s = backend.create(SandboxSpec.builder().id("fixed")
                .limits(new Limits(512L << 20, null, null, null, null, null, null, null, List.of())).build());
        host.log.clear();
        var cpu = assertThrows(UnsupportedCapabilityException.class,
                () -> s.updateLimits(new Limits(null, null, 1.0, null, null, null, null, null, List.of())));
        assertEquals(Capability.CPU_LIMIT, cpu.capability());
        assertTrue(cpu.getMessage().contains("configured without capped-cpu, and prctl -r can only replace a value the "
                + "zone has; create the sandbox with a cpus limit (any value) to change it live"), cpu.getMessage());
        var pin = assertThrows(UnsupportedCapabilityException.class,
                () -> s.updateLimits(new Limits(null, null, null, null, "0", null, null, null, List.of())));
        assertEquals(Capability.CPUSET, pin.capability());
        assertEquals(List.of(), liveCommands(), "nothing ran");
        s.close();
    }

    @Test
    void onSolaris114TheTemplateAndEveryCloneGetASystemConfigurationProfileRemovedAfterwards() throws Exception {
        ZonesHost s114 = new ZonesHost(ZonesHost.Distribution.SOLARIS, "Oracle Solaris 11.4.0.0.1.15.0",
                Set.of("solaris", "solaris-kz", "solaris10"), "rpool/zones", true, true, true, true);
        var solaris = new SolarisZonesBackend("SunOS", host, tmp, runtime, base, tmp.resolve("zlogin").toString(), s114, null);
        java.util.List<String> profiles = new java.util.ArrayList<>();
        host.observers.add(a -> {
            int c = a.indexOf("-c");
            if (a.get(0).equals("/usr/sbin/zoneadm") && c > 0) {
                try {
                    profiles.add(Files.readString(Path.of(a.get(c + 1))));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        Sandbox s = solaris.create(SandboxSpec.builder().id("s114").hostname("web-1").build());
        List<String> zoneadm = host.actions().stream().filter(l -> l.matches("/usr/sbin/zoneadm -z \\S+ (install|clone).*"))
                .toList();
        assertEquals(2, zoneadm.size(), zoneadm.toString());
        assertTrue(zoneadm.get(0).matches("/usr/sbin/zoneadm -z isolatpl-\\S+ install -c \\S+\\.sc_profile\\.xml"), zoneadm.get(0));
        assertTrue(zoneadm.get(1).matches("/usr/sbin/zoneadm -z isola-s114 clone -c \\S+/isola-s114\\.sc_profile\\.xml isolatpl-\\S+"),
                zoneadm.get(1));
        assertEquals(2, profiles.size());
        assertTrue(profiles.get(1).contains("<propval type=\"astring\" name=\"nodename\" value=\"web-1\"/>"), profiles.get(1));
        assertTrue(profiles.get(1).contains("name=\"active_ncp\" value=\"DefaultFixed\""), profiles.get(1));
        for (String line : zoneadm) {
            Path written = Path.of(line.replaceAll(".* -c (\\S+).*", "$1"));
            assertFalse(Files.exists(written), "the profile is removed after the call: " + written);
        }
        s.close();
        assertEquals(List.of(), host.leftovers());
    }

    @Test
    void usageComesFromKstats() {
        Sandbox s = backend.create(SandboxSpec.builder().id("st").build());
        int id = new ZoneAdmin(host).find("isola-st").orElseThrow().id();
        host.extra.put("/usr/bin/kstat", a -> FakeZonesHost.ok(a, KSTAT.replace("@", Integer.toString(id))));
        SandboxStats st = s.stats();
        assertEquals(new SandboxStats(1500000000L, 250000000L, 52428800L, null, 12L, null, null, null), st);
        assertTrue(host.log.contains("/usr/bin/kstat -p zones:" + id + " memory_cap:" + id + " caps:" + id + ":nprocs_zone_" + id + ":usage"));
        s.close();
    }

    /** kstat -p lines in kstat(8)'s module:instance:name:statistic TAB value form, names as in illumos' zones, memory_cap and caps kstats. */
    static final String KSTAT = """
            caps:@:nprocs_zone_@:usage	12
            memory_cap:@:isola-st:anon_alloc_fail	0
            memory_cap:@:isola-st:anonpgin	0
            memory_cap:@:isola-st:class	zone_memory_cap
            memory_cap:@:isola-st:physcap	536870912
            memory_cap:@:isola-st:rss	52428800
            memory_cap:@:isola-st:swap	41943040
            memory_cap:@:isola-st:swapcap	18446744073709551615
            memory_cap:@:isola-st:zonename	isola-st
            zones:@:isola-st:class	zone_misc
            zones:@:isola-st:nsec_sys	250000000
            zones:@:isola-st:nsec_user	1500000000
            zones:@:isola-st:nsec_waitrq	1000
            zones:@:isola-st:zonename	isola-st
            """;

    @Test
    void capabilitiesFollowTheHost() {
        CapabilitySet.Builder b = CapabilitySet.builder();
        SolarisZonesBackend.capabilities(b, new ZonesHost(ZonesHost.Distribution.OPENINDIANA, "OpenIndiana Hipster 2024.04",
                Set.of("ipkg", "nlipkg"), "rpool/zones", true, false, false, true), "IP Filter is not enabled");
        CapabilitySet c = b.build();
        assertFalse(c.supports(Capability.HOST_ROOT));
        assertFalse(c.supports(Capability.CPU_WEIGHT));
        assertEquals("IP Filter is not enabled", c.missing().get(Capability.NETWORK_BRIDGE));
        assertTrue(c.supports(Capability.MEMORY_LIMIT) && c.supports(Capability.NETWORK_NONE));
        assertTrue(backend.capabilities().supports(Capability.NETWORK_BRIDGE));
        assertEquals("isola runs in a non-global zone; zones can only be made from the global zone",
                SolarisZonesBackend.problem(new ZonesHost(ZonesHost.Distribution.OMNIOS, "", Set.of("sparse"), null, true, true, true, false)));
    }

    private static int indexOf(List<String> l, String prefix) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
