// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.BackendUnavailableException;
import isola.api.Capability;
import isola.api.IsolationException;
import isola.api.MountSpec;
import isola.api.NetworkMode;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import isola.freebsd.natives.FreeBsdDispatcher;
import isola.spi.CapabilitySet;
import isola.spi.IsolationBackend;
import isola.spi.ProbeResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The FreeBSD jail backend: a persistent jail per sandbox made with jail_set through JNA, its root
 * built from nullfs/tmpfs/devfs (or a ZFS clone) on the host, its network from vnet/epair/if_bridge/pf
 * or ip4/ip6 restrictions, its limits from rctl; processes enter through the isola-jexec helper.
 * Everything the host does is recorded first, so close, a failure half-way, and the sweep after a
 * crash undo it.
 */
public final class FreeBsdJailBackend implements IsolationBackend {
    static final String NAME = "freebsd-jail";
    static final String HELPER_RESOURCE = "/isola/freebsd/helper/isola-jexec-";

    private final String osName;
    private final JailNative natives;
    private final HostTools tools;
    private final Path base;
    private final Boolean helperOverride;
    private volatile ProbeResult probe;
    private volatile FreeBsdHost host;
    private volatile CapabilitySet capabilities;
    private volatile Path helper;
    private volatile boolean prepared;

    /** Cheap: the host is probed on first use. */
    public FreeBsdJailBackend() {
        this(System.getProperty("os.name", ""), new FreeBsdDispatcher(), new ProcessHostTools(),
                Path.of(System.getProperty("isola.freebsd.runtime-dir", "/var/run/isola")), null);
    }

    FreeBsdJailBackend(String osName) {
        this(osName, new FreeBsdDispatcher(), new ProcessHostTools(), Path.of("/var/run/isola"), null);
    }

    /**
     * @param osName os.name
     * @param natives the kernel calls
     * @param tools the base tools
     * @param base the runtime directory
     * @param helperPresent whether a helper is present, null to look for the resource
     */
    FreeBsdJailBackend(String osName, JailNative natives, HostTools tools, Path base, Boolean helperPresent) {
        this.osName = osName;
        this.natives = natives;
        this.tools = tools;
        this.base = base;
        this.helperOverride = helperPresent;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    private boolean onFreeBsd() {
        return osName.toLowerCase(Locale.ROOT).contains("freebsd");
    }

    @Override
    public ProbeResult probe() {
        ProbeResult p = probe;
        if (p == null) {
            if (!onFreeBsd()) {
                p = ProbeResult.unavailable("not a FreeBSD host (os.name is " + osName + ")");
            } else {
                FreeBsdHost h = host();
                String problem = h.problem();
                if (problem == null && !helperPresent()) {
                    problem = "this isola build carries no isola-jexec helper for " + System.getProperty("os.arch")
                            + "; build isola on FreeBSD (mvn install) with cc installed";
                }
                p = problem != null ? ProbeResult.unavailable(problem)
                        : ProbeResult.available("FreeBSD " + h.osrelease() + (h.racct() ? ", racct" : ", no racct")
                                + (h.vimage() ? ", vnet" : ", no vnet"));
            }
            probe = p;
        }
        return p;
    }

    FreeBsdHost host() {
        FreeBsdHost h = host;
        if (h == null) {
            h = FreeBsdHost.read(natives);
            host = h;
        }
        return h;
    }

    private boolean helperPresent() {
        if (helperOverride != null) {
            return helperOverride;
        }
        return FreeBsdJailBackend.class.getResource(HELPER_RESOURCE + System.getProperty("os.arch")) != null;
    }

    @Override
    public CapabilitySet capabilities() {
        CapabilitySet c = capabilities;
        if (c == null) {
            if (!probe().available() && !onFreeBsd()) {
                CapabilitySet.Builder b = CapabilitySet.builder();
                for (Capability cap : Capability.values()) {
                    b.lacks(cap, probe().reason());
                }
                c = b.build();
            } else {
                c = host().capabilities(helperPresent());
            }
            capabilities = c;
        }
        return c;
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        ProbeResult p = probe();
        if (!p.available()) {
            throw new BackendUnavailableException("backend " + NAME + " is unavailable: " + p.reason());
        }
        capabilities().require(NAME, spec.requiredCapabilities());
        validate(spec);
        prepare();
        JailRecord record = JailRecord.acquire(base.resolve("state"), spec.id());
        BridgeConfig bridge = spec.network().mode() == NetworkMode.BRIDGE ? BridgeConfig.fromProperties(defaultEgress()) : null;
        if (bridge != null && bridge.egress() == null && !spec.network().ports().isEmpty()) {
            record.close();
            throw new SpecValidationException("published ports need an egress interface: the host has no default route; "
                    + "set -Disola.freebsd.egress=IF");
        }
        FreeBsdJail jail = new FreeBsdJail(natives, tools, record, spec, base.resolve("jails").resolve(spec.id()),
                base.resolve("addr"), bridge, host().osreldate());
        jail.create();
        return new FreeBsdSandbox(this, spec, jail, Duration.parse(System.getProperty("isola.freebsd.stop-timeout", "PT10S")));
    }

    /** Everything checkable is checked before the first side effect. */
    void validate(SandboxSpec spec) {
        if (spec.limits().cpusetMems() != null) {
            throw new UnsupportedCapabilityException(Capability.CPUSET, NAME,
                    "pinning memory domains (cpuset mems) is not mapped on FreeBSD; pin CPUs only");
        }
        RctlRules.render("check", spec.limits(), NAME);
        String template = spec.freebsd().zfsTemplate();
        Path dir = spec.root().directory();
        if (template != null) {
            if (dir == null) {
                throw new SpecValidationException("a ZFS template needs a root directory: the mount point of the clone");
            }
            if (Files.exists(dir)) {
                throw new SpecValidationException("root directory " + dir + " exists already; the ZFS clone of "
                        + template + " is mounted there and must not replace anything");
            }
        } else if (dir != null && !Files.isDirectory(dir)) {
            throw new SpecValidationException("root directory " + dir + " does not exist or is not a directory");
        }
        for (MountSpec m : spec.mounts()) {
            if (m.type() == MountSpec.Type.BIND && !Files.exists(m.source())) {
                throw new SpecValidationException("volume source " + m.source() + " does not exist (mount to " + m.destination() + ")");
            }
        }
        for (String a : spec.network().addresses()) {
            JailParams.literal(a);
        }
        JailParams.of(spec, JailParams.jailName(spec.id(), null), "/");
        if (spec.network().mode() == NetworkMode.JOIN
                && natives.jailFind(JailParams.jailName(spec.network().joinSandbox(), null), false) < 0) {
            throw new IsolationException("no running sandbox " + spec.network().joinSandbox() + " to join");
        }
    }

    private synchronized void prepare() {
        if (prepared) {
            return;
        }
        for (String d : new String[] {"", "state", "jails", "addr", "sock"}) {
            Path p = d.isEmpty() ? base : base.resolve(d);
            try {
                Files.createDirectories(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            } catch (IOException | UnsupportedOperationException e) {
                throw new IsolationException("cannot prepare the runtime directory " + p + ": " + e, e);
            }
        }
        JailRecord.sweep(base.resolve("state"), natives, tools);
        if (helperOverride == null) {
            helper = extractHelper();
        }
        prepared = true;
    }

    private Path extractHelper() {
        String res = HELPER_RESOURCE + System.getProperty("os.arch");
        Path out = base.resolve("isola-jexec");
        try (InputStream in = FreeBsdJailBackend.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IsolationException("this isola build carries no helper " + res);
            }
            Path tmp = Files.createTempFile(base, "isola-jexec", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (IOException e) {
            throw new IsolationException("cannot extract the helper to " + out + ": " + e, e);
        }
    }

    private String defaultEgress() {
        try {
            for (String line : tools.run("/sbin/route", "-n", "get", "default").split("\n")) {
                String l = line.strip();
                if (l.startsWith("interface:")) {
                    return l.substring("interface:".length()).strip();
                }
            }
        } catch (NativeException none) {
            // no default route
        }
        return null;
    }

    @Override
    public Map<String, String> hostFacts() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("os", osName + " " + System.getProperty("os.version", ""));
        if (onFreeBsd()) {
            try {
                f.putAll(host().facts());
            } catch (RuntimeException | LinkageError e) {
                f.put("probe", "failed: " + e.getMessage());
            }
            f.put("helper", helperPresent() ? "isola-jexec-" + System.getProperty("os.arch") : "missing");
        }
        return f;
    }

    JailNative natives() {
        return natives;
    }

    HostTools tools() {
        return tools;
    }

    Path helper() {
        return helper;
    }

    Path socketDir() {
        return base.resolve("sock");
    }
}
