// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxSpecTest {
    /** What every spec needs: the base isolation, no_new_privs, plus the default host root and no network. */
    private static final Set<Capability> DEFAULT_CAPS = EnumSet.of(Capability.PID_ISOLATION, Capability.HOSTNAME,
            Capability.IPC_ISOLATION, Capability.MOUNT_ISOLATION, Capability.NO_NEW_PRIVILEGES, Capability.HOST_ROOT,
            Capability.NETWORK_NONE);

    private static Set<Capability> defaultsPlus(Capability... extra) {
        Set<Capability> s = EnumSet.copyOf(DEFAULT_CAPS);
        s.addAll(List.of(extra));
        return s;
    }

    // ---- defaults

    @Test
    void defaultsAreHostRootReadOnlyNoNetworkNoLimits() {
        SandboxSpec s = SandboxSpec.builder().id("web1").build();
        assertEquals("web1", s.id());
        assertSame(RootSpec.HOST, s.root());
        assertTrue(s.root().isHost());
        assertTrue(s.root().readOnly());
        assertEquals(List.of(), s.mounts());
        assertEquals(NetworkSpec.NONE, s.network());
        assertEquals(NetworkMode.NONE, s.network().mode());
        assertEquals(Limits.NONE, s.limits());
        assertFalse(s.limits().any());
        assertEquals(SecuritySpec.DEFAULT, s.security());
        assertTrue(s.security().noNewPrivileges());
        assertNull(s.security().privileges());
        assertNull(s.process());
        assertEquals(LinuxOptions.DEFAULT, s.linux());
        assertEquals(FreeBsdOptions.DEFAULT, s.freebsd());
        assertEquals(SolarisOptions.DEFAULT, s.solaris());
    }

    @Test
    void hostnameDefaultsToTheId() {
        assertEquals("web1", SandboxSpec.builder().id("web1").build().hostname());
        assertEquals("db-primary", SandboxSpec.builder().id("db-primary").build().hostname());
    }

    @Test
    void explicitHostnameWins() {
        SandboxSpec s = SandboxSpec.builder().id("web1").hostname("www.example.org").build();
        assertEquals("web1", s.id());
        assertEquals("www.example.org", s.hostname());
    }

    @Test
    void nullHostnameMeansTheId() {
        assertEquals("web1", SandboxSpec.builder().id("web1").hostname(null).build().hostname());
    }

    @Test
    void longestIdGivesAHostnameOfAtMost63Characters() {
        String id = "a".repeat(64);
        SandboxSpec s = SandboxSpec.builder().id(id).build();
        assertEquals(id, s.id());
        assertEquals("a".repeat(63), s.hostname());
    }

    /**
     * The id may contain '_' (and end with '-'), which a host name may not. A spec that sets no
     * hostname must still build: its documented default hostname is derived from the id.
     */
    @ParameterizedTest
    @ValueSource(strings = {"web_1", "build-", "a_b_c"})
    void validIdThatIsNotAValidHostnameStillBuildsWithoutAnExplicitHostname(String id) {
        SandboxSpec s = SandboxSpec.builder().id(id).build();
        assertEquals(id, s.id());
        for (String label : s.hostname().split("\\.", -1)) {
            assertTrue(label.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"), s.hostname());
        }
    }

    @Test
    void randomIdIs12LowercaseHexDigits() {
        SandboxSpec s = SandboxSpec.builder().build();
        assertTrue(s.id().matches("[0-9a-f]{12}"), s.id());
        assertEquals(s.id(), s.hostname());
        assertTrue(SandboxSpec.newId().matches("[0-9a-f]{12}"));
    }

    @Test
    void nullIdIsRandom() {
        assertTrue(SandboxSpec.builder().id(null).build().id().matches("[0-9a-f]{12}"));
    }

    @Test
    void randomIdsAreDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(SandboxSpec.newId());
        }
        assertEquals(1000, ids.size());
        assertNotEquals(SandboxSpec.builder().build().id(), SandboxSpec.builder().build().id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "A", "0", "web1", "web_1", "x-y_z", "Z9"})
    void validIds(String id) {
        assertEquals(id, SandboxSpec.builder().id(id).hostname("h").build().id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-web", "_web", "web.1", "web 1", "web/1", "wéb", "a:b"})
    void invalidIds(String id) {
        invalid(() -> SandboxSpec.builder().id(id).hostname("h").build(), "sandbox id", "\"" + id + "\"");
    }

    @Test
    void idOf65CharactersIsRefused() {
        String id = "a".repeat(65);
        invalid(() -> SandboxSpec.builder().id(id).hostname("h").build(), "sandbox id", id);
    }

    // ---- hostnames

    @ParameterizedTest
    @ValueSource(strings = {"h", "web-1", "www.example.org", "a1.b2.c3", "0", "UPPER.lower"})
    void validHostnames(String h) {
        assertEquals(h, SandboxSpec.builder().id("x").hostname(h).build().hostname());
    }

    @Test
    void hostnameOf64CharactersIsAccepted() {
        String h = "a".repeat(31) + "." + "b".repeat(32);
        assertEquals(64, h.length());
        assertEquals(h, SandboxSpec.builder().id("x").hostname(h).build().hostname());
    }

    @Test
    void hostnameOver64CharactersIsRefused() {
        String h = "a".repeat(32) + "." + "b".repeat(32);
        assertEquals(65, h.length());
        invalid(() -> SandboxSpec.builder().id("x").hostname(h).build(), "hostname", "64", "65", h);
    }

    @Test
    void labelOf64CharactersIsRefused() {
        String h = "a".repeat(64);
        invalid(() -> SandboxSpec.builder().id("x").hostname(h).build(), "hostname", h);
    }

    @Test
    void labelOf63CharactersIsAccepted() {
        String h = "a".repeat(63);
        assertEquals(h, SandboxSpec.builder().id("x").hostname(h).build().hostname());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-web", "web-", "web_1", "a..b", ".a", "a.", "a b", "a/b", "wéb", "a.-b", "a.b-"})
    void badHostnameLabels(String h) {
        invalid(() -> SandboxSpec.builder().id("x").hostname(h).build(), "hostname", "\"" + h + "\"");
    }

    @Test
    void emptyHostnameIsRefused() {
        invalid(() -> SandboxSpec.builder().id("x").hostname("").build(), "hostname \"\"");
    }

    // ---- mounts

    @Test
    void mountsKeepTheirOrder() {
        MountSpec a = MountSpec.tmpfs("/tmp", 0);
        MountSpec b = MountSpec.bind(Path.of("/srv/data"), "/data", true);
        MountSpec c = MountSpec.tmpfs("/data/scratch", 1 << 20);
        SandboxSpec s = SandboxSpec.builder().id("x").mount(a).mount(b).mount(c).build();
        assertEquals(List.of(a, b, c), s.mounts());
        assertThrows(UnsupportedOperationException.class, () -> s.mounts().add(a));
    }

    @Test
    void duplicateMountDestinationsAreRefused() {
        invalid(() -> SandboxSpec.builder().id("x")
                .mount(MountSpec.bind(Path.of("/srv/a"), "/data", true))
                .mount(MountSpec.tmpfs("/data", 0))
                .build(), "/data");
    }

    @Test
    void duplicateDestinationsAreComparedAfterNormalisation() {
        invalid(() -> SandboxSpec.builder().id("x")
                .mount(MountSpec.tmpfs("/var/tmp", 0))
                .mount(MountSpec.tmpfs("//var/./tmp/", 0))
                .build(), "/var/tmp");
    }

    @Test
    void nestedDestinationsAreNotDuplicates() {
        SandboxSpec s = SandboxSpec.builder().id("x")
                .mount(MountSpec.tmpfs("/data", 0))
                .mount(MountSpec.tmpfs("/data/sub", 0))
                .build();
        assertEquals(2, s.mounts().size());
    }

    @Test
    void builderRefusesNulls() {
        SandboxSpec.Builder b = SandboxSpec.builder();
        assertThrows(NullPointerException.class, () -> b.root(null));
        assertThrows(NullPointerException.class, () -> b.mount(null));
        assertThrows(NullPointerException.class, () -> b.network(null));
        assertThrows(NullPointerException.class, () -> b.limits(null));
        assertThrows(NullPointerException.class, () -> b.security(null));
        assertThrows(NullPointerException.class, () -> b.linux(null));
        assertThrows(NullPointerException.class, () -> b.freebsd(null));
        assertThrows(NullPointerException.class, () -> b.solaris(null));
    }

    // ---- toBuilder

    @Test
    void toBuilderRoundTripsEveryField() {
        ProcessSpec p = ProcessSpec.builder("sh", "-c", "true").build();
        SandboxSpec s = SandboxSpec.builder()
                .id("web1")
                .hostname("web.local")
                .root(RootSpec.directory(Path.of("/srv/rootfs"), false))
                .mount(MountSpec.tmpfs("/tmp", 4096))
                .network(NetworkSpec.HOST)
                .limits(new Limits(1L << 30, null, 0.5, null, null, null, 64L, null, List.of()))
                .security(new SecuritySpec(false, Set.of("CAP_KILL")))
                .process(p)
                .linux(new LinuxOptions(LinuxOptions.UserNamespace.ALWAYS, false, false, "parent"))
                .freebsd(new FreeBsdOptions(1, Set.of("raw_sockets"), 5, null))
                .solaris(new SolarisOptions("sparse", null, null))
                .build();
        SandboxSpec t = s.toBuilder().build();
        assertEquals(s.id(), t.id());
        assertEquals(s.hostname(), t.hostname());
        assertEquals(s.root(), t.root());
        assertEquals(s.mounts(), t.mounts());
        assertEquals(s.network(), t.network());
        assertEquals(s.limits(), t.limits());
        assertEquals(s.security(), t.security());
        assertSame(p, t.process());
        assertEquals(s.linux(), t.linux());
        assertEquals(s.freebsd(), t.freebsd());
        assertEquals(s.solaris(), t.solaris());
        assertEquals(s.requiredCapabilities(), t.requiredCapabilities());
    }

    @Test
    void toBuilderKeepsARandomId() {
        SandboxSpec s = SandboxSpec.builder().build();
        assertEquals(s.id(), s.toBuilder().build().id());
    }

    @Test
    void toBuilderMountsAreIndependent() {
        SandboxSpec s = SandboxSpec.builder().id("x").mount(MountSpec.tmpfs("/a", 0)).build();
        SandboxSpec t = s.toBuilder().mount(MountSpec.tmpfs("/b", 0)).build();
        assertEquals(1, s.mounts().size());
        assertEquals(2, t.mounts().size());
    }

    // ---- required capabilities

    @Test
    void defaultSpecNeedsBaseIsolationHostRootAndNoNetwork() {
        assertEquals(DEFAULT_CAPS, SandboxSpec.builder().id("x").build().requiredCapabilities());
    }

    @Test
    void hostRootNeedsHostRootNotRootDirectoryNorWritableRoot() {
        Set<Capability> c = SandboxSpec.builder().id("x").root(RootSpec.HOST).build().requiredCapabilities();
        assertTrue(c.contains(Capability.HOST_ROOT));
        assertFalse(c.contains(Capability.ROOT_DIRECTORY));
        assertFalse(c.contains(Capability.WRITABLE_ROOT));
    }

    @Test
    void readOnlyDirectoryRootNeedsRootDirectory() {
        Set<Capability> c = SandboxSpec.builder().id("x").root(RootSpec.directory(Path.of("/srv/r"), true)).build()
                .requiredCapabilities();
        Set<Capability> want = defaultsPlus(Capability.ROOT_DIRECTORY);
        want.remove(Capability.HOST_ROOT);
        assertEquals(want, c);
    }

    @Test
    void writableDirectoryRootNeedsWritableRoot() {
        Set<Capability> c = SandboxSpec.builder().id("x").root(RootSpec.directory(Path.of("/srv/r"), false)).build()
                .requiredCapabilities();
        Set<Capability> want = defaultsPlus(Capability.ROOT_DIRECTORY, Capability.WRITABLE_ROOT);
        want.remove(Capability.HOST_ROOT);
        assertEquals(want, c);
    }

    @Test
    void bindMountNeedsBindMount() {
        assertEquals(defaultsPlus(Capability.BIND_MOUNT), SandboxSpec.builder().id("x")
                .mount(MountSpec.bind(Path.of("/srv"), "/srv", true)).build().requiredCapabilities());
    }

    @Test
    void tmpfsNeedsTmpfs() {
        assertEquals(defaultsPlus(Capability.TMPFS), SandboxSpec.builder().id("x")
                .mount(MountSpec.tmpfs("/tmp", 0)).build().requiredCapabilities());
    }

    @Test
    void bothMountKindsNeedBoth() {
        assertEquals(defaultsPlus(Capability.TMPFS, Capability.BIND_MOUNT), SandboxSpec.builder().id("x")
                .mount(MountSpec.tmpfs("/tmp", 0))
                .mount(MountSpec.bind(Path.of("/srv"), "/srv", false))
                .build().requiredCapabilities());
    }

    @Test
    void memoryLimitNeedsMemoryLimit() {
        Limits l = new Limits(64L << 20, null, null, null, null, null, null, null, List.of());
        assertEquals(defaultsPlus(Capability.MEMORY_LIMIT),
                SandboxSpec.builder().id("x").limits(l).build().requiredCapabilities());
    }

    @Test
    void memorySwapNeedsBothMemoryCapabilities() {
        Limits l = new Limits(64L << 20, 128L << 20, null, null, null, null, null, null, List.of());
        assertEquals(defaultsPlus(Capability.MEMORY_LIMIT, Capability.MEMORY_SWAP_LIMIT),
                SandboxSpec.builder().id("x").limits(l).build().requiredCapabilities());
    }

    @Test
    void eachLimitMapsToItsCapability() {
        assertEquals(defaultsPlus(Capability.CPU_LIMIT), caps(new Limits(null, null, 1.5, null, null, null, null, null, null)));
        assertEquals(defaultsPlus(Capability.CPU_WEIGHT), caps(new Limits(null, null, null, 200, null, null, null, null, null)));
        assertEquals(defaultsPlus(Capability.CPUSET), caps(new Limits(null, null, null, null, "0-1,3", null, null, null, null)));
        assertEquals(defaultsPlus(Capability.CPUSET), caps(new Limits(null, null, null, null, null, "0", null, null, null)));
        assertEquals(defaultsPlus(Capability.PIDS_LIMIT), caps(new Limits(null, null, null, null, null, null, 100L, null, null)));
        assertEquals(defaultsPlus(Capability.IO_LIMIT), caps(new Limits(null, null, null, null, null, null, null, 500, null)));
        assertEquals(defaultsPlus(Capability.IO_LIMIT), caps(new Limits(null, null, null, null, null, null, null, null,
                List.of(new Limits.DeviceIo("/dev/vda", 1_000_000L, null)))));
    }

    private static Set<Capability> caps(Limits l) {
        return SandboxSpec.builder().id("x").limits(l).build().requiredCapabilities();
    }

    @Test
    void networkModesMapToTheirCapability() {
        assertEquals(netCaps(Capability.NETWORK_HOST), SandboxSpec.builder().id("x").network(NetworkSpec.HOST).build()
                .requiredCapabilities());
        assertEquals(netCaps(Capability.NETWORK_BRIDGE), SandboxSpec.builder().id("x")
                .network(NetworkSpec.of(NetworkMode.BRIDGE)).build().requiredCapabilities());
        assertEquals(netCaps(Capability.NETWORK_JOIN), SandboxSpec.builder().id("x")
                .network(new NetworkSpec(NetworkMode.JOIN, null, null, "other")).build().requiredCapabilities());
        assertEquals(netCaps(Capability.NETWORK_ADDRESSES), SandboxSpec.builder().id("x")
                .network(new NetworkSpec(NetworkMode.ADDRESSES, List.of("192.0.2.10"), null, null)).build()
                .requiredCapabilities());
    }

    private static Set<Capability> netCaps(Capability network) {
        Set<Capability> s = defaultsPlus(network);
        s.remove(Capability.NETWORK_NONE);
        return s;
    }

    @Test
    void privilegeSetNeedsPrivilegeSet() {
        assertEquals(defaultsPlus(Capability.PRIVILEGE_SET), SandboxSpec.builder().id("x")
                .security(new SecuritySpec(true, Set.of("CAP_NET_BIND_SERVICE"))).build().requiredCapabilities());
    }

    @Test
    void emptyPrivilegeSetStillNeedsPrivilegeSet() {
        assertTrue(SandboxSpec.builder().id("x").security(new SecuritySpec(true, Set.of())).build()
                .requiredCapabilities().contains(Capability.PRIVILEGE_SET));
    }

    @Test
    void noNewPrivilegesOffDropsNoNewPrivileges() {
        Set<Capability> want = EnumSet.copyOf(DEFAULT_CAPS);
        want.remove(Capability.NO_NEW_PRIVILEGES);
        assertEquals(want, SandboxSpec.builder().id("x").security(new SecuritySpec(false, null)).build()
                .requiredCapabilities());
    }

    @Test
    void defaultProcessAddsItsCapabilities() {
        ProcessSpec p = ProcessSpec.builder("true")
                .user(new UserSpec(1000, 1000, List.of(10, 20), null))
                .rlimit(new Rlimit(RlimitType.NOFILE, 64, 64))
                .build();
        assertEquals(defaultsPlus(Capability.USER_SWITCH, Capability.SUPPLEMENTARY_GROUPS, Capability.RLIMITS),
                SandboxSpec.builder().id("x").process(p).build().requiredCapabilities());
    }

    @Test
    void processCapabilities() {
        assertEquals(Set.of(), SandboxSpec.process(ProcessSpec.builder("true").build()));
        assertEquals(Set.of(Capability.USER_SWITCH),
                SandboxSpec.process(ProcessSpec.builder("true").user(UserSpec.of(1000, 1000)).build()));
        assertEquals(Set.of(Capability.USER_SWITCH),
                SandboxSpec.process(ProcessSpec.builder("true").user(UserSpec.named("bob")).build()));
        assertEquals(Set.of(Capability.USER_SWITCH, Capability.SUPPLEMENTARY_GROUPS),
                SandboxSpec.process(ProcessSpec.builder("true").user(new UserSpec(1, 1, List.of(2), null)).build()));
        assertEquals(Set.of(Capability.RLIMITS),
                SandboxSpec.process(ProcessSpec.builder("true").rlimit(new Rlimit(RlimitType.CORE, 0, 0)).build()));
    }

    @Test
    void everythingAtOnce() {
        Limits l = new Limits(1L << 30, 2L << 30, 2.0, 100, "0", "0", 10L, 100,
                List.of(new Limits.DeviceIo("/dev/sda", null, 1L)));
        SandboxSpec s = SandboxSpec.builder().id("x")
                .root(RootSpec.directory(Path.of("/r"), false))
                .mount(MountSpec.tmpfs("/tmp", 0))
                .mount(MountSpec.bind(Path.of("/srv"), "/srv", true))
                .network(NetworkSpec.of(NetworkMode.BRIDGE))
                .limits(l)
                .security(new SecuritySpec(true, Set.of()))
                .process(ProcessSpec.builder("x").user(new UserSpec(1, 1, List.of(3), null))
                        .rlimit(new Rlimit(RlimitType.NPROC, 5, 5)).build())
                .build();
        assertEquals(EnumSet.complementOf(EnumSet.of(Capability.HOST_ROOT, Capability.NETWORK_NONE,
                Capability.NETWORK_HOST, Capability.NETWORK_JOIN, Capability.NETWORK_ADDRESSES,
                Capability.USER_NAMESPACE, Capability.CGROUP_NAMESPACE, Capability.LIVE_LIMIT_UPDATE)),
                s.requiredCapabilities());
    }
}
