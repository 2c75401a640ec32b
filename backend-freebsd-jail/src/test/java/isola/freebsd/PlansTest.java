// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.Capability;
import isola.api.FreeBsdOptions;
import isola.api.Limits;
import isola.api.MountSpec;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.PortMapping;
import isola.api.RootSpec;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Jail parameters, rctl rules, mount plans and network command plans, pinned to exact output. */
class PlansTest {
    private static List<String> params(SandboxSpec s) {
        return JailParams.of(s, JailParams.jailName(s.id(), null), "/var/run/isola/jails/" + s.id() + "/root").stream()
                .map(JailParam::render).toList();
    }

    @Test
    void defaultSandboxIsAVnetJailWithPrivateIpcAndPersist() {
        SandboxSpec s = SandboxSpec.builder().id("web1").build();
        assertEquals(List.of("name=web1", "path=/var/run/isola/jails/web1/root", "host=1", "host.hostname=web1", "persist",
                "enforce_statfs=2", "devfs_ruleset=4", "children.max=0", "sysvmsg=1", "sysvsem=1", "sysvshm=1", "vnet=1"),
                params(s));
    }

    @Test
    void hostNetworkInheritsBothFamilies() {
        List<String> p = params(SandboxSpec.builder().id("h").network(NetworkSpec.HOST).build());
        assertEquals(List.of("ip4=2", "ip6=2"), p.subList(11, 13));
        assertTrue(p.stream().noneMatch(x -> x.startsWith("vnet")));
    }

    @Test
    void addressesRestrictAndDisableTheOtherFamily() {
        SandboxSpec s = SandboxSpec.builder().id("a").network(new NetworkSpec(NetworkMode.ADDRESSES,
                List.of("192.0.2.10", "192.0.2.11/32"), List.of(), null)).build();
        assertEquals(List.of("ip4=1", "ip4.addr=192.0.2.10,192.0.2.11", "ip6=0"), params(s).subList(11, 14));
        SandboxSpec v6 = SandboxSpec.builder().id("b").network(new NetworkSpec(NetworkMode.ADDRESSES,
                List.of("2001:db8::5"), List.of(), null)).build();
        assertEquals(List.of("ip4=0", "ip6=1", "ip6.addr=2001:db8:0:0:0:0:0:5"), params(v6).subList(11, 14));
        assertThrows(SpecValidationException.class, () -> JailParams.literal("example.org"));
        assertThrows(SpecValidationException.class, () -> JailParams.literal("10.1"));
    }

    @Test
    void joinIsAChildJailInheritingTheVnet() {
        SandboxSpec s = SandboxSpec.builder().id("side").network(new NetworkSpec(NetworkMode.JOIN, List.of(), List.of(), "pod1")).build();
        assertEquals("vnet=2", params(s).get(11));
        assertEquals("pod1.side", JailParams.jailName("side", "pod1"));
    }

    @Test
    void allowAndOptionsAreMapped() {
        SandboxSpec s = SandboxSpec.builder().id("o").freebsd(new FreeBsdOptions(1, Set.of("raw_sockets", "mount.nullfs"), 5, null)).build();
        List<String> p = params(s);
        assertTrue(p.contains("enforce_statfs=1"));
        assertTrue(p.contains("devfs_ruleset=5"));
        assertEquals(List.of("allow.mount.nullfs", "allow.raw_sockets"), p.subList(p.size() - 2, p.size()));
        assertThrows(SpecValidationException.class, () -> params(SandboxSpec.builder().id("x")
                .freebsd(new FreeBsdOptions(2, Set.of("raw sockets"), 4, null)).build()));
    }

    @Test
    void allDigitIdsGetAPrefix() {
        assertEquals("isola-123456", JailParams.jailName("123456", null));
        assertEquals("a1", JailParams.jailName("a1", null));
    }

    @Test
    void rctlRulesSpellTheSubjectAndUseBytes() {
        Limits l = new Limits(512L * 1024 * 1024, 768L * 1024 * 1024, 1.5, null, null, null, 64L, null,
                List.of(new Limits.DeviceIo("/dev/ada0", 1_000_000L, 2_000_000L), new Limits.DeviceIo("/dev/ada1", 500_000L, null)));
        assertEquals(List.of("jail:w:memoryuse:sigkill=536870912", "jail:w:swapuse:deny=268435456", "jail:w:pcpu:deny=150",
                "jail:w:maxproc:deny=64", "jail:w:nthr:deny=64", "jail:w:readbps:throttle=500000",
                "jail:w:writebps:throttle=2000000"), RctlRules.render("w", l, "freebsd-jail"));
        assertEquals("jail:w:", RctlRules.filter("w"));
        assertEquals(List.of("jail:w:pcpu:deny=1"), RctlRules.render("w",
                new Limits(null, null, 0.001, null, null, null, null, null, List.of()), "freebsd-jail"));
    }

    @Test
    void rctlRefusesWhatItCannotExpress() {
        var e = assertThrows(UnsupportedCapabilityException.class, () -> RctlRules.render("w",
                new Limits(null, null, null, 200, null, null, null, null, List.of()), "freebsd-jail"));
        assertEquals(Capability.CPU_WEIGHT, e.capability());
        assertThrows(UnsupportedCapabilityException.class, () -> RctlRules.render("w",
                new Limits(null, null, null, null, null, null, null, 100, List.of()), "freebsd-jail"));
    }

    @Test
    void racctParsesIntoStats() {
        var m = RctlRules.parseRacct("cputime=7,datasize=4096,memoryuse=1048576,maxproc=3,pcpu=0\n");
        assertEquals(7L, m.get("cputime"));
        var s = RctlRules.stats(m);
        assertEquals(7_000_000_000L, s.cpuUserNanos());
        assertEquals(1048576L, s.memoryBytes());
        assertEquals(3L, s.pids());
        assertEquals(null, s.cpuSystemNanos());
    }

    @Test
    void hostRootMountPlan() {
        SandboxSpec s = SandboxSpec.builder().id("m").mount(MountSpec.bind(Path.of("/srv/data"), "/data", true))
                .mount(new MountSpec(MountSpec.Type.TMPFS, null, "/scratch", false, 1 << 20, 0700)).build();
        List<MountPlan.Op> plan = MountPlan.plan(s, Path.of("/"));
        assertEquals(List.of("nullfs / -> / ro", "devfs /dev rw ruleset=4", "tmpfs /tmp rw mode=01777",
                "nullfs /srv/data -> /data ro", "tmpfs /scratch rw size=1048576 mode=0700"),
                plan.stream().map(MountPlan.Op::render).toList());
        assertEquals(List.of("fstype=nullfs", "fspath=/r", "target=/"), plan.get(0).options("/r").stream().map(JailParam::render).toList());
        // MNT_RDONLY 0x1 | MNT_IGNORE 0x800000 (sys/mount.h)
        assertEquals(0x00800001, plan.get(0).flags());
        // devfs: MNT_IGNORE | MNT_NOSUID 0x8
        assertEquals(0x00800008, plan.get(1).flags());
        assertEquals(List.of("fstype=tmpfs", "fspath=/r/scratch", "size=1048576", "mode=0700"),
                plan.get(4).options("/r/scratch").stream().map(JailParam::render).toList());
    }

    @Test
    void userTmpReplacesThePrivateOne() {
        SandboxSpec s = SandboxSpec.builder().id("t").root(RootSpec.directory(Path.of("/img"), false))
                .mount(MountSpec.tmpfs("/tmp", 4096)).build();
        assertEquals(List.of("nullfs /img -> / rw", "devfs /dev rw ruleset=4", "tmpfs /tmp rw size=4096 mode=01777"),
                MountPlan.plan(s, Path.of("/img")).stream().map(MountPlan.Op::render).toList());
    }

    @Test
    void aliasCommandsAndTheirUndo() {
        var c = NetworkPlan.aliases("lo1", List.of("192.0.2.10", "2001:db8::5", "198.51.100.1/24"));
        assertEquals(List.of("/sbin/ifconfig lo1 inet 192.0.2.10/32 alias", "/sbin/ifconfig lo1 inet6 2001:db8::5/128 alias",
                "/sbin/ifconfig lo1 inet 198.51.100.1/24 alias"), c.stream().map(NetworkPlan.Command::render).toList());
        assertEquals("UNALIAS\tlo1\tinet\t192.0.2.10", c.get(0).undo().line());
        assertEquals(List.of(), NetworkPlan.aliases(null, List.of("192.0.2.10")));
    }

    @Test
    void bridgeCommands() {
        BridgeConfig cfg = new BridgeConfig("bridge0", "10.200.0.1", 24, "vtnet0");
        assertEquals(List.of("/sbin/ifconfig bridge0 addm epair4a", "/sbin/ifconfig epair4a up"),
                NetworkPlan.bridgeHost(cfg, "epair4a").stream().map(NetworkPlan.Command::render).toList());
        assertEquals(List.of("/sbin/ifconfig epair4b vnet 7", "/sbin/ifconfig -j 7 epair4b inet 10.200.0.2/24 up",
                "/sbin/route -j 7 add default 10.200.0.1"),
                NetworkPlan.bridgeJail(cfg, "epair4b", 7, "10.200.0.2").stream().map(NetworkPlan.Command::render).toList());
        assertEquals(List.of("/sbin/ifconfig -j 7 lo0 inet 127.0.0.1/8 up"),
                NetworkPlan.loopback(7).stream().map(NetworkPlan.Command::render).toList());
        NetworkSpec net = new NetworkSpec(NetworkMode.BRIDGE, List.of(), List.of(PortMapping.parse("8080:80"),
                PortMapping.parse("127.0.0.1:5353:53/udp")), null);
        var pf = NetworkPlan.pf(cfg, "web1", "10.200.0.2", net);
        assertEquals("/sbin/pfctl -a isola/web1 -f - <<nat on vtnet0 inet from 10.200.0.2 to any -> (vtnet0); "
                + "rdr pass on vtnet0 inet proto tcp from any to (vtnet0) port 8080 -> 10.200.0.2 port 80; "
                + "rdr pass on vtnet0 inet proto udp from any to 127.0.0.1 port 5353 -> 10.200.0.2 port 53", pf.get(0).render());
        assertEquals("PF\tisola/web1", pf.get(0).undo().line());
        assertEquals(List.of(), NetworkPlan.pf(new BridgeConfig("bridge0", "10.200.0.1", 24, null), "w", "10.200.0.2", net));
    }

    @Test
    void bridgeCandidatesSkipNetworkGatewayAndBroadcast() {
        List<String> c = new BridgeConfig("bridge0", "10.200.0.1", 24, null).candidates();
        assertEquals("10.200.0.2", c.get(0));
        assertEquals("10.200.0.254", c.get(c.size() - 1));
        assertEquals(253, c.size());
    }
}
