// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.FreeBsdOptions;
import isola.api.IsolationException;
import isola.api.Limits;
import isola.api.MountSpec;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.PortMapping;
import isola.api.RootSpec;
import isola.api.SandboxSpec;
import isola.api.UnsupportedCapabilityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jail's lifecycle against the recording fake: order of creation, reverse teardown, failure at each step. */
class FreeBsdJailTest {
    @TempDir
    Path tmp;

    private FreeBsdJail jail(FakeFreeBsd f, SandboxSpec s) throws Exception {
        Files.createDirectories(tmp.resolve("state"));
        Files.createDirectories(tmp.resolve("jails"));
        Files.createDirectories(tmp.resolve("addr"));
        JailRecord r = JailRecord.acquire(tmp.resolve("state"), s.id());
        return new FreeBsdJail(f, f, r, s, tmp.resolve("jails").resolve(s.id()), tmp.resolve("addr"),
                new BridgeConfig("bridge0", "10.200.0.1", 24, "vtnet0"), f.sysctls.get("kern.osreldate"));
    }

    private SandboxSpec full() throws Exception {
        Path vol = Files.createDirectories(tmp.resolve("vol"));
        return SandboxSpec.builder().id("web1").mount(MountSpec.bind(vol, "/data", false))
                .mount(MountSpec.tmpfs("/scratch", 1 << 20))
                .network(new NetworkSpec(NetworkMode.BRIDGE, List.of(), List.of(PortMapping.parse("8080:80")), null))
                .limits(new Limits(1L << 30, null, 0.5, null, "0-1", null, 100L, null, List.of())).build();
    }

    @Test
    void createsInOrderAndTearsDownInReverse() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd();
        FreeBsdJail j = jail(f, full());
        j.create();
        String root = j.root().toString();
        assertEquals(FreeBsdJail.State.CREATED, j.state());
        assertEquals(1, j.jid());
        assertEquals("10.200.0.2", j.address());
        assertEquals(List.of(
                "nmount fstype=nullfs fspath=" + root + " target=/ flags=0x800001",
                "nmount fstype=devfs fspath=" + root + "/dev flags=0x800008",
                "tool /sbin/devfs -m " + root + "/dev ruleset 4",
                "tool /sbin/devfs -m " + root + "/dev rule applyset",
                "nmount fstype=tmpfs fspath=" + root + "/tmp mode=01777 flags=0x800008",
                "nmount fstype=nullfs fspath=" + root + "/data target=" + tmp.resolve("vol") + " flags=0x800000",
                "nmount fstype=tmpfs fspath=" + root + "/scratch size=1048576 mode=01777 flags=0x800008",
                "tool /sbin/ifconfig epair create",
                "tool /sbin/ifconfig bridge0 addm epair0a",
                "tool /sbin/ifconfig epair0a up",
                "rctl_add_rule jail:web1:memoryuse:sigkill=1073741824",
                "rctl_add_rule jail:web1:pcpu:deny=50",
                "rctl_add_rule jail:web1:maxproc:deny=100",
                "rctl_add_rule jail:web1:nthr:deny=100",
                "jail_set web1 flags=1",
                "tool /sbin/ifconfig -j 1 lo0 inet 127.0.0.1/8 up",
                "tool /sbin/ifconfig epair0b vnet 1",
                "tool /sbin/ifconfig -j 1 epair0b inet 10.200.0.2/24 up",
                "tool /sbin/route -j 1 add default 10.200.0.1",
                "tool /sbin/pfctl -a isola/web1 -f - <<nat on vtnet0 inet from 10.200.0.2 to any -> (vtnet0); "
                        + "rdr pass on vtnet0 inet proto tcp from any to (vtnet0) port 8080 -> 10.200.0.2 port 80",
                "tool /bin/cpuset -l 0-1 -j 1"), f.mutations());
        assertTrue(Files.exists(tmp.resolve("state/web1.jail")));
        assertTrue(Files.exists(tmp.resolve("addr/10.200.0.2")));
        f.calls.clear();
        j.destroy(Duration.ofSeconds(1));
        assertEquals(List.of(
                "jail_remove 1",
                "tool /sbin/pfctl -a isola/web1 -F all",
                "rctl_remove_rule jail:web1:",
                "tool /sbin/ifconfig epair0a destroy",
                "unmount " + root + "/scratch",
                "unmount " + root + "/data",
                "unmount " + root + "/tmp",
                "unmount " + root + "/dev",
                "unmount " + root), f.mutations());
        assertTrue(f.calls.contains("/bin/pkill -TERM -j 1"));
        assertTrue(f.clean(), f.leftovers());
        assertFalse(Files.exists(tmp.resolve("jails/web1")));
        assertFalse(Files.exists(tmp.resolve("addr/10.200.0.2")));
        assertFalse(Files.exists(tmp.resolve("state/web1.jail")));
        assertEquals(FreeBsdJail.State.REMOVED, j.state());
        j.destroy(Duration.ZERO);
    }

    private int mutatingSteps(Function<FakeFreeBsd, SandboxSpec> spec) throws Exception {
        FakeFreeBsd f = new FakeFreeBsd();
        FreeBsdJail j = jail(f, spec.apply(f));
        j.create();
        int n = f.mutations().size();
        j.destroy(Duration.ZERO);
        return n;
    }

    @Test
    void aFailureAtEachStepLeavesNothingBehind() throws Exception {
        SandboxSpec s = full();
        int steps = mutatingSteps(f -> s);
        assertEquals(21, steps);
        for (int i = 0; i < steps; i++) {
            FakeFreeBsd f = new FakeFreeBsd();
            f.failAt = i;
            FreeBsdJail j = jail(f, s);
            IsolationException e = assertThrows(IsolationException.class, j::create, "step " + i);
            assertTrue(e.getMessage().contains("injected"), e.getMessage());
            assertTrue(f.clean(), "step " + i + ": " + f.leftovers());
            assertEquals(FreeBsdJail.State.REMOVED, j.state());
            try (var left = Files.list(tmp.resolve("jails"))) {
                assertEquals(0, left.count(), "step " + i);
            }
            try (var left = Files.list(tmp.resolve("addr"))) {
                assertEquals(0, left.count(), "step " + i);
            }
            assertFalse(Files.exists(tmp.resolve("state/web1.jail")), "step " + i);
        }
    }

    @Test
    void aFailureAtEachStepOfAnAddressesJailOnAZfsClone() throws Exception {
        Path rootDir = tmp.resolve("clone-root");
        SandboxSpec s = SandboxSpec.builder().id("z1").root(RootSpec.directory(rootDir, false))
                .network(new NetworkSpec(NetworkMode.ADDRESSES, List.of("192.0.2.10", "2001:db8::5"), List.of(), null))
                .freebsd(new FreeBsdOptions(2, Set.of(), 4, null, "tank/isola/base@v1", "lo1")).build();
        int steps = mutatingSteps(f -> s);
        assertEquals(9, steps);
        for (int i = 0; i < steps; i++) {
            FakeFreeBsd f = new FakeFreeBsd();
            f.failAt = i;
            FreeBsdJail j = jail(f, s);
            assertThrows(IsolationException.class, j::create, "step " + i);
            assertTrue(f.clean(), "step " + i + ": " + f.leftovers());
        }
        FakeFreeBsd f = new FakeFreeBsd();
        FreeBsdJail j = jail(f, s);
        j.create();
        assertEquals("tool /sbin/zfs clone -o mountpoint=" + rootDir + " -o isola:sandbox=z1 tank/isola/base@v1 tank/isola/isola-z1",
                f.mutations().get(0));
        assertEquals(Set.of("lo1 192.0.2.10", "lo1 2001:db8::5"), f.aliases);
        j.destroy(Duration.ZERO);
        List<String> m = f.mutations();
        assertEquals("tool /sbin/zfs destroy tank/isola/isola-z1", m.get(m.size() - 1));
        assertTrue(f.clean(), f.leftovers());
    }

    @Test
    void racctOffFailsClosedWithTheRemedy() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd();
        f.failAt = 5;
        f.failErrno = FreeBsdErrno.ENOSYS;
        SandboxSpec s = SandboxSpec.builder().id("r").limits(new Limits(1L << 20, null, null, null, null, null, null, null, List.of())).build();
        var e = assertThrows(UnsupportedCapabilityException.class, () -> jail(f, s).create());
        assertTrue(e.getMessage().contains("kern.racct.enable=1 to /boot/loader.conf and reboot"), e.getMessage());
        assertTrue(e.getMessage().contains("ENOSYS"), e.getMessage());
        assertTrue(f.clean(), f.leftovers());
    }

    @Test
    void aDyingJailsNameIsTakenWithJailDyingOn14() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd();
        f.dying.add("d1");
        FreeBsdJail j = jail(f, SandboxSpec.builder().id("d1").build());
        j.create();
        assertEquals(JailNative.JAIL_CREATE | JailNative.JAIL_DYING, f.lastJailFlags);
        j.destroy(Duration.ZERO);
    }

    @Test
    void on15ADyingJailIsNotWorkedAround() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd();
        f.sysctls.put("kern.osreldate", 1500000L);
        f.dying.add("d2");
        FreeBsdJail j = jail(f, SandboxSpec.builder().id("d2").build());
        assertThrows(IsolationException.class, j::create);
        assertTrue(f.clean(), f.leftovers());
    }

    @Test
    void anotherJailOfTheSameNameIsNeverRemoved() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd();
        f.jails.put("taken", 42);
        var e = assertThrows(IsolationException.class, () -> jail(f, SandboxSpec.builder().id("taken").build()).create());
        assertTrue(e.getMessage().contains("exists already"), e.getMessage());
        assertEquals(42, f.jails.get("taken"));
        assertTrue(f.mutations().isEmpty(), f.mutations().toString());
    }

    @Test
    void aJailMadeConcurrentlyUnderOurNameSurvivesOurRollback() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd() {
            @Override
            public int jailSet(List<JailParam> params, int flags) {
                jails.put("race", 77);
                return super.jailSet(params, flags);
            }
        };
        assertThrows(IsolationException.class, () -> jail(f, SandboxSpec.builder().id("race").build()).create());
        assertEquals(77, f.jails.get("race"));
        assertTrue(f.mounts.isEmpty());
    }

    @Test
    void joinMakesAChildOfTheJoinedJail() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd();
        FreeBsdJail pod = jail(f, SandboxSpec.builder().id("pod").build());
        pod.create();
        FreeBsdJail side = jail(f, SandboxSpec.builder().id("side").network(new NetworkSpec(NetworkMode.JOIN, List.of(), List.of(), "pod")).build());
        side.create();
        assertEquals("pod.side", side.name());
        assertTrue(f.mutations().contains("jail_set pod flags=2"), f.mutations().toString());
        assertEquals("vnet=2", f.lastJailParams.get(11).render());
        side.destroy(Duration.ZERO);
        pod.destroy(Duration.ZERO);
        assertTrue(f.clean(), f.leftovers());
    }

    @Test
    void aCrashedOwnersRecordIsSweptInReverse() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd();
        FreeBsdJail j = jail(f, full());
        j.create();
        // the owner "dies": its lock goes, its record stays
        JailRecord.class.getDeclaredMethod("release").invoke(recordOf(j));
        f.calls.clear();
        assertEquals(List.of("web1"), JailRecord.sweep(tmp.resolve("state"), f, f));
        assertTrue(f.clean(), f.leftovers());
        List<String> m = f.mutations();
        assertEquals(List.of("tool /sbin/pfctl -a isola/web1 -F all", "jail_remove 1", "rctl_remove_rule jail:web1:"), m.subList(0, 3));
        assertTrue(m.get(m.size() - 1).startsWith("unmount "), m.toString());
        assertFalse(Files.exists(tmp.resolve("state/web1.jail")));
        assertFalse(Files.exists(tmp.resolve("jails/web1")));
    }

    @Test
    void aLiveRecordIsNotSweptAndItsIdCannotBeReused() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd();
        FreeBsdJail j = jail(f, SandboxSpec.builder().id("live").build());
        j.create();
        assertEquals(List.of(), JailRecord.sweep(tmp.resolve("state"), f, f));
        assertThrows(IsolationException.class, () -> JailRecord.acquire(tmp.resolve("state"), "live"));
        assertEquals(1, f.jails.size());
        j.destroy(Duration.ZERO);
    }

    @Test
    void anUndoThatFailsStaysForTheNextSweep() throws Exception {
        FakeFreeBsd f = new FakeFreeBsd() {
            @Override
            public void unmount(String path, int flags) {
                if (path.endsWith("/tmp")) {
                    throw new NativeException("unmount", path, FreeBsdErrno.EPERM, "");
                }
                super.unmount(path, flags);
            }
        };
        FreeBsdJail j = jail(f, SandboxSpec.builder().id("stuck").build());
        j.create();
        var e = assertThrows(IsolationException.class, () -> j.destroy(Duration.ZERO));
        assertTrue(e.getMessage().contains("EPERM"), e.getMessage());
        String rec = Files.readString(tmp.resolve("state/stuck.jail"));
        assertTrue(rec.contains("UNMOUNT\t" + j.root() + "/tmp"), rec);
        assertFalse(rec.contains("JAIL"), rec);
    }

    @Test
    void symlinkedDestinationsStayInsideTheRoot() throws Exception {
        Path img = Files.createDirectories(tmp.resolve("img"));
        Files.createSymbolicLink(img.resolve("data"), Path.of("/etc"));
        FakeFreeBsd f = new FakeFreeBsd() {
            @Override
            public void nmount(List<JailParam> options, int flags) {
                super.nmount(options, flags);
                // a nullfs alias would show the image: mirror its link in the alias root
                String at = options.get(1).render().substring("fspath=".length());
                if (options.get(0).render().equals("fstype=nullfs") && at.endsWith("/root")) {
                    try {
                        Files.createSymbolicLink(Path.of(at, "data"), Path.of("/etc"));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        Path vol = Files.createDirectories(tmp.resolve("v"));
        FreeBsdJail j = jail(f, SandboxSpec.builder().id("sym").root(RootSpec.directory(img, false))
                .mount(MountSpec.bind(vol, "/data", true)).build());
        j.create();
        assertTrue(f.mutations().contains("nmount fstype=nullfs fspath=" + j.root() + "/etc target=" + vol + " flags=0x800001"),
                f.mutations().toString());
        Files.delete(j.root().resolve("data"));
        j.destroy(Duration.ZERO);
        assertTrue(f.clean(), f.leftovers());
    }

    private static JailRecord recordOf(FreeBsdJail j) throws Exception {
        var fld = FreeBsdJail.class.getDeclaredField("record");
        fld.setAccessible(true);
        return (JailRecord) fld.get(j);
    }
}
