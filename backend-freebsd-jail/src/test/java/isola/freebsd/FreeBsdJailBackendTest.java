// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.BackendUnavailableException;
import isola.api.Capability;
import isola.api.IsolationException;
import isola.api.Limits;
import isola.api.MountSpec;
import isola.api.NetworkMode;
import isola.api.NetworkSpec;
import isola.api.SandboxSpec;
import isola.api.SandboxState;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import isola.spi.IsolationBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreeBsdJailBackendTest {
    @TempDir
    Path tmp;

    private FreeBsdJailBackend fake(FakeFreeBsd f) {
        return new FreeBsdJailBackend("FreeBSD", f, f, tmp, true);
    }

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
        assertEquals(List.of("os"), List.copyOf(b.hostFacts().keySet()));
    }

    @Test
    void everyRequestFailsClosedBeforeAnySideEffect() {
        var e = assertThrows(BackendUnavailableException.class, () -> new FreeBsdJailBackend("Linux").create(SandboxSpec.builder().build()));
        assertEquals("backend freebsd-jail is unavailable: not a FreeBSD host (os.name is Linux)", e.getMessage());
    }

    @Test
    void onFreeBsdItReportsTheHost() {
        FakeFreeBsd f = new FakeFreeBsd();
        var b = fake(f);
        assertTrue(b.probe().available(), b.probe().reason());
        assertEquals("FreeBSD 14.3-RELEASE, racct, vnet", b.probe().reason());
        var facts = b.hostFacts();
        assertEquals("14.3-RELEASE (1403000)", facts.get("freebsd version"));
        assertEquals("enabled", facts.get("racct"));
        assertEquals("unavailable (before 15.x)", facts.get("jail descriptors"));
        assertTrue(b.capabilities().supports(Capability.NETWORK_BRIDGE));
        assertFalse(b.capabilities().supports(Capability.CPU_WEIGHT));
    }

    @Test
    void withoutHelperOrRootItIsUnavailable() {
        assertEquals("this isola build carries no isola-jexec helper for " + System.getProperty("os.arch")
                + "; build isola on FreeBSD (mvn install) with cc installed",
                new FreeBsdJailBackend("FreeBSD", new FakeFreeBsd(), new FakeFreeBsd(), tmp, false).probe().reason());
        FakeFreeBsd user = new FakeFreeBsd() {
            @Override
            public int geteuid() {
                return 1001;
            }
        };
        assertEquals("jails need root: run isola as root (euid is 1001)", fake(user).probe().reason());
    }

    @Test
    void limitsWithoutRacctFailBeforeAnySideEffect() {
        FakeFreeBsd f = new FakeFreeBsd();
        f.sysctls.put("kern.racct.enable", 0L);
        var e = assertThrows(UnsupportedCapabilityException.class, () -> fake(f).create(SandboxSpec.builder().id("m")
                .limits(new Limits(1L << 20, null, null, null, null, null, null, null, List.of())).build()));
        assertEquals("memory_limit is not supported by backend freebsd-jail: resource limits need RACCT/RCTL, which is off on "
                + "this host (kern.racct.enable=0); add kern.racct.enable=1 to /boot/loader.conf and reboot", e.getMessage());
        assertTrue(f.mutations().isEmpty());
    }

    @Test
    void invalidRequestsFailBeforeAnySideEffect() {
        FakeFreeBsd f = new FakeFreeBsd();
        var b = fake(f);
        assertThrows(SpecValidationException.class, () -> b.create(SandboxSpec.builder().id("v")
                .mount(MountSpec.bind(tmp.resolve("missing"), "/x", true)).build()));
        assertThrows(UnsupportedCapabilityException.class, () -> b.create(SandboxSpec.builder().id("v")
                .limits(new Limits(null, null, null, null, null, "0", null, null, List.of())).build()));
        assertThrows(UnsupportedCapabilityException.class, () -> b.create(SandboxSpec.builder().id("v")
                .security(new isola.api.SecuritySpec(true, java.util.Set.of("CAP_KILL"))).build()));
        assertThrows(IsolationException.class, () -> b.create(SandboxSpec.builder().id("v")
                .network(new NetworkSpec(NetworkMode.JOIN, List.of(), List.of(), "nobody")).build()));
        assertTrue(f.mutations().isEmpty(), f.mutations().toString());
    }

    @Test
    void createThenCloseLeavesNothing() {
        FakeFreeBsd f = new FakeFreeBsd();
        var b = fake(f);
        var s = b.create(SandboxSpec.builder().id("c1").network(NetworkSpec.HOST).build());
        assertEquals(SandboxState.CREATED, s.state());
        assertEquals("freebsd-jail", s.backend());
        assertEquals(1, f.jails.get("c1"));
        assertEquals(1_048_576L, s.stats().memoryBytes());
        s.kill(isola.api.Signal.TERM);
        s.close();
        assertEquals(SandboxState.CLOSED, s.state());
        assertTrue(f.clean(), f.leftovers());
        s.close();
        assertThrows(IsolationException.class, () -> s.exec(isola.api.ProcessSpec.builder("true").build()));
    }

    private static isola.api.Limits limits(Long memory, Double cpus, Long pids) {
        return new isola.api.Limits(memory, null, cpus, null, null, null, pids, null, java.util.List.of());
    }

    private static java.util.List<String> rctlCalls(FakeFreeBsd f) {
        return f.calls.stream().filter(c -> c.startsWith("rctl_add") || c.startsWith("rctl_remove")).toList();
    }

    @Test
    void liveChangesAddTheNewRulesBeforeRemovingWhatTheyDoNotReplace() {
        FakeFreeBsd f = new FakeFreeBsd();
        var s = fake(f).create(SandboxSpec.builder().id("lv").network(NetworkSpec.HOST)
                .limits(limits(64L << 20, 0.5, 16L)).build());
        f.calls.clear();
        var after = s.updateLimits(limits(128L << 20, null, 32L));
        assertEquals(limits(128L << 20, 0.5, 32L), after);
        assertEquals(java.util.List.of(
                "rctl_add_rule jail:lv:memoryuse:sigkill=134217728",
                "rctl_add_rule jail:lv:maxproc:deny=32",
                "rctl_add_rule jail:lv:nthr:deny=32",
                "rctl_remove_rule jail:lv:memoryuse:sigkill=67108864"), rctlCalls(f),
                "deny rules replace their old amount in the kernel; the sigkill rule is swapped without a gap");
        assertEquals(java.util.Set.of("jail:lv:memoryuse:sigkill=134217728", "jail:lv:pcpu:deny=50",
                "jail:lv:maxproc:deny=32", "jail:lv:nthr:deny=32"), f.rules);
        s.close();
        assertTrue(f.clean(), f.leftovers());
        assertThrows(IsolationException.class, () -> s.updateLimits(limits(null, null, 8L)));
    }

    @Test
    void aLiveChangeFailingHalfWayPutsTheOldRulesBack() {
        FakeFreeBsd f = new FakeFreeBsd();
        var s = fake(f).create(SandboxSpec.builder().id("hw").network(NetworkSpec.HOST)
                .limits(limits(64L << 20, null, 16L)).build());
        var before = java.util.Set.copyOf(f.rules);
        f.calls.clear();
        f.failAfter(2);
        var e = assertThrows(NativeException.class, () -> s.updateLimits(limits(128L << 20, null, 32L)));
        assertTrue(e.getMessage().contains("jail:hw:nthr:deny=32"), e.getMessage());
        assertEquals(before, java.util.Set.copyOf(f.rules), "the rules in force before");
        assertEquals(java.util.List.of(
                "rctl_add_rule jail:hw:memoryuse:sigkill=134217728",
                "rctl_add_rule jail:hw:maxproc:deny=32",
                "rctl_add_rule jail:hw:nthr:deny=32",
                "rctl_add_rule jail:hw:maxproc:deny=16",
                "rctl_remove_rule jail:hw:memoryuse:sigkill=134217728"), rctlCalls(f));
        s.updateLimits(limits(null, null, 20L));
        assertTrue(f.rules.contains("jail:hw:memoryuse:sigkill=67108864"), "the failed change left the old limits: " + f.rules);
        s.close();
        assertTrue(f.clean(), f.leftovers());
    }

    @Test
    void rulesAddedLiveToAJailWithoutAnyAreRemovedAtClose() {
        FakeFreeBsd f = new FakeFreeBsd();
        var s = fake(f).create(SandboxSpec.builder().id("nl").network(NetworkSpec.HOST).build());
        s.updateLimits(limits(null, 1.5, null));
        assertEquals(java.util.Set.of("jail:nl:pcpu:deny=150"), f.rules);
        s.close();
        assertTrue(f.clean(), "teardown removes rules a live change added: " + f.leftovers());
    }

    @Test
    void whatRctlCannotDoOrRacctIsOffFailsClosedWithoutAKernelCall() {
        FakeFreeBsd f = new FakeFreeBsd();
        var s = fake(f).create(SandboxSpec.builder().id("nc").network(NetworkSpec.HOST).build());
        f.calls.clear();
        var weight = assertThrows(isola.api.UnsupportedCapabilityException.class, () -> s.updateLimits(
                new isola.api.Limits(null, null, null, 200, null, null, null, null, java.util.List.of())));
        assertEquals(isola.api.Capability.CPU_WEIGHT, weight.capability());
        var pin = assertThrows(isola.api.UnsupportedCapabilityException.class, () -> s.updateLimits(
                new isola.api.Limits(null, null, null, null, "0", null, null, null, java.util.List.of())));
        assertTrue(pin.getMessage().contains("created without a CPU set"), pin.getMessage());
        assertEquals(java.util.List.of(), rctlCalls(f));
        s.close();

        FakeFreeBsd off = new FakeFreeBsd();
        off.sysctls.put("kern.racct.enable", 0L);
        var s2 = fake(off).create(SandboxSpec.builder().id("ro").network(NetworkSpec.HOST).build());
        var racct = assertThrows(isola.api.UnsupportedCapabilityException.class, () -> s2.updateLimits(limits(null, null, 8L)));
        assertEquals(isola.api.Capability.LIVE_LIMIT_UPDATE, racct.capability());
        assertTrue(racct.getMessage().contains("kern.racct.enable"), racct.getMessage());
        s2.close();
        assertTrue(off.clean(), off.leftovers());
    }
}
