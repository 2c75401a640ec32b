// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import isola.api.Capability;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.UnsupportedCapabilityException;
import isola.linux.helper.HelperBinary;
import isola.linux.helper.RuntimeDirs;
import isola.linux.ns.MountPlanner;
import isola.spi.CapabilitySet;
import isola.spi.IsolationBackend;
import isola.spi.ProbeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The Linux backend: namespaces, a fresh /proc and /dev, pivot_root, through the isola-spawn helper. */
public final class LinuxBackend implements IsolationBackend {
    private volatile ProbeResult probe;
    private volatile CapabilitySet capabilities;
    private volatile LinuxHost host;
    private volatile Path helper;
    private volatile Path socketDir;
    private volatile Path leaseDir;
    private volatile isola.linux.cgroup.CgroupDelegation delegation;
    private volatile isola.linux.cgroup.CgroupMounts cgroupMounts;
    private volatile isola.linux.net.LinuxBridge bridge;
    /** One per JVM: every LinuxBackend instance (Isolation.backend makes a new one per call) shares it. */
    private static isola.linux.cgroup.CgroupPool cgroupPool;

    /** Cheap: probing and extraction happen on first use. */
    public LinuxBackend() {
    }

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public ProbeResult probe() {
        ProbeResult p = probe;
        if (p == null) {
            p = doProbe();
            probe = p;
        }
        return p;
    }

    private ProbeResult doProbe() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return ProbeResult.unavailable("not a Linux host (os.name is " + os + ")");
        }
        if (!HelperBinary.present()) {
            return ProbeResult.unavailable("this isola build carries no helper for " + System.getProperty("os.arch")
                    + "; rebuild isola on this machine (mvn install) with a C compiler installed");
        }
        if (!Files.isDirectory(Path.of("/proc/self/ns"))) {
            return ProbeResult.unavailable("/proc is not mounted or the kernel lacks namespaces (/proc/self/ns missing)");
        }
        LinuxHost h = host();
        if (!h.root()) {
            String why = LinuxHost.userNamespaceProblem();
            if (why != null) {
                return ProbeResult.unavailable("running as uid " + h.uid + " needs a user namespace, but " + why);
            }
        }
        return ProbeResult.available("kernel " + h.kernel + (h.root() ? ", root" : ", rootless (uid " + h.uid + ")"));
    }

    LinuxHost host() {
        LinuxHost h = host;
        if (h == null) {
            h = LinuxHost.read();
            host = h;
        }
        return h;
    }

    @Override
    public CapabilitySet capabilities() {
        CapabilitySet c = capabilities;
        if (c == null) {
            c = computeCapabilities();
            capabilities = c;
        }
        return c;
    }

    private CapabilitySet computeCapabilities() {
        ProbeResult p = probe();
        CapabilitySet.Builder b = CapabilitySet.builder();
        if (!p.available()) {
            for (Capability c : Capability.values()) {
                b.lacks(c, p.reason());
            }
            return b.build();
        }
        b.supports(Capability.PID_ISOLATION, Capability.HOSTNAME, Capability.IPC_ISOLATION, Capability.MOUNT_ISOLATION,
                Capability.HOST_ROOT, Capability.ROOT_DIRECTORY, Capability.WRITABLE_ROOT, Capability.BIND_MOUNT,
                Capability.TMPFS, Capability.NETWORK_NONE, Capability.NETWORK_HOST, Capability.USER_SWITCH,
                Capability.SUPPLEMENTARY_GROUPS, Capability.RLIMITS, Capability.NO_NEW_PRIVILEGES,
                Capability.PRIVILEGE_SET, Capability.USER_NAMESPACE, Capability.CGROUP_NAMESPACE,
                Capability.NETWORK_JOIN);
        if (!host().root()) {
            b.lacks(Capability.SUPPLEMENTARY_GROUPS, "setgroups(2) is denied in an unprivileged user namespace; run isola as root");
        }
        String noBridge = !host().root() ? "a bridge, veth pairs and NAT rules need root on the host (CAP_NET_ADMIN in "
                + "the host's network namespace); run isola as root" : isola.linux.net.NetCommands.missing();
        if (noBridge == null) {
            b.supports(Capability.NETWORK_BRIDGE);
        } else {
            b.lacks(Capability.NETWORK_BRIDGE, noBridge);
        }
        b.lacks(Capability.NETWORK_ADDRESSES, "Linux cannot restrict the host's network stack to given addresses; "
                + "use network mode bridge for an own address");
        limitCapabilities(b);
        return b.build();
    }

    private void limitCapabilities(CapabilitySet.Builder b) {
        Object[][] table = {{Capability.MEMORY_LIMIT, "memory"}, {Capability.MEMORY_SWAP_LIMIT, "memory"},
            {Capability.CPU_LIMIT, "cpu"}, {Capability.CPU_WEIGHT, "cpu"}, {Capability.CPUSET, "cpuset"},
            {Capability.PIDS_LIMIT, "pids"}, {Capability.IO_LIMIT, cgroups().find("blkio") != null ? "blkio" : "io"}};
        boolean any = false;
        for (Object[] row : table) {
            Capability c = (Capability) row[0];
            String controller = (String) row[1];
            if (!host().root()) {
                String v2 = controller.equals("blkio") ? "io" : controller;
                String refusal = delegation().refusal(v2, host().uid);
                if (refusal == null) {
                    b.supports(c);
                    any = true;
                } else {
                    b.lacks(c, refusal);
                }
            } else if (cgroups().find(controller) == null) {
                b.lacks(c, "the " + controller + " cgroup controller is not mounted here (neither a v1 hierarchy nor in "
                        + "cgroup.controllers of the cgroup2 mount)");
            } else {
                b.supports(c);
                any = true;
            }
        }
        if (any) {
            // per limit: a sandbox changes the limits whose cgroups it has (see LinuxSandbox.updateLimits)
            b.supports(Capability.LIVE_LIMIT_UPDATE);
        } else {
            b.lacks(Capability.LIVE_LIMIT_UPDATE, "no cgroup controller is usable here, so no limit can be set");
        }
    }

    /** @return the cgroup v2 subtree delegated to this rootless caller, or why there is none */
    isola.linux.cgroup.CgroupDelegation delegation() {
        isola.linux.cgroup.CgroupDelegation d = delegation;
        if (d == null) {
            d = isola.linux.cgroup.CgroupDelegation.probe(cgroups(), host().uid);
            delegation = d;
        }
        return d;
    }

    isola.linux.cgroup.CgroupMounts cgroups() {
        isola.linux.cgroup.CgroupMounts m = cgroupMounts;
        if (m == null) {
            m = isola.linux.cgroup.CgroupMounts.probe();
            cgroupMounts = m;
        }
        return m;
    }

    @Override
    public Map<String, String> hostFacts() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        if (probe().available()) {
            LinuxHost h = host();
            f.put("kernel", h.kernel);
            f.put("caller", h.root() ? "root" : "uid " + h.uid + " (rootless, user namespace)");
            String userns = LinuxHost.userNamespaceProblem();
            f.put("unprivileged user namespaces", userns == null ? "available" : userns);
            f.put("cgroup layout", CgroupLayout.describe());
            f.put("cgroup controllers", cgroups().describe());
            f.put("cgroup moves", CgroupLayout.moves());
            if (!h.root()) {
                var d = delegation();
                f.put("delegated cgroup", d.root() == null ? "none: " + d.problem()
                        : d.root() + " (" + String.join(" ", d.view(cgroups()).describe()) + ")");
            }
            f.put("helper", HelperBinary.resourceName());
            String noBridge = capabilities().missing().get(Capability.NETWORK_BRIDGE);
            if (noBridge == null) {
                String v6 = System.getProperty("isola.linux.bridge.subnet6", "fd88::/64");
                String hostV6 = isola.linux.net.LinuxBridge.hostIpv6Problem(Path.of("/proc"));
                f.put("network bridge", System.getProperty("isola.linux.bridge", "isola0") + " "
                        + System.getProperty("isola.linux.bridge.subnet", "10.88.0.0/16") + ", IPv6 "
                        + (v6.equals("none") ? "off" : hostV6 == null ? v6 : "none: " + hostV6)
                        + "; veth pairs through rtnetlink, NAT through nftables");
            } else {
                f.put("network bridge", "unavailable: " + noBridge);
            }
        }
        return f;
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        ProbeResult p = probe();
        if (!p.available()) {
            throw new isola.api.BackendUnavailableException("backend linux is unavailable: " + p.reason());
        }
        capabilities().require(name(), spec.requiredCapabilities());
        LinuxHost h = host();
        boolean userns = LinuxSandbox.wantsUserNamespace(spec.linux(), h);
        if (!h.root() && !userns) {
            throw new UnsupportedCapabilityException(Capability.USER_NAMESPACE, name(),
                    "creating namespaces as uid " + h.uid + " needs a user namespace, but the spec forbids one");
        }
        if (spec.root().directory() != null && !Files.isDirectory(spec.root().directory())) {
            throw new isola.api.SpecValidationException("root directory " + spec.root().directory() + " does not exist or is not a directory");
        }
        SandboxSpec resolved = spec;
        if (spec.root().directory() != null) {
            try {
                resolved = spec.toBuilder().root(isola.api.RootSpec.directory(spec.root().directory().toRealPath(),
                        spec.root().readOnly())).build();
            } catch (java.io.IOException e) {
                throw new isola.api.SpecValidationException("root directory " + spec.root().directory() + " cannot be resolved: " + e.getMessage());
            }
        }
        if (spec.security().privileges() != null) {
            isola.linux.ns.LinuxPrivileges.mask(spec.security().privileges());
        }
        var mounts = MountPlanner.plan(resolved, userns);
        String parent = resolved.limits().any() ? cgroupParent(resolved) : null;
        ensureHelper();
        if (resolved.network().mode() == isola.api.NetworkMode.JOIN) {
            // fails now, before anything is made, when there is nothing to join
            SandboxLease.liveInit(leaseDir, resolved.network().joinSandbox());
        }
        SandboxLease lease = SandboxLease.acquire(leaseDir, resolved.id());
        isola.linux.net.BridgeAttachment net = null;
        try {
            if (resolved.network().mode() == isola.api.NetworkMode.BRIDGE) {
                net = BridgeNetworking.reserve(bridge(), resolved, lease.file());
                mounts = BridgeNetworking.withEtcMounts(mounts, net, resolved);
            }
            isola.linux.cgroup.SandboxCgroups cg = null;
            if (parent != null) {
                isola.linux.cgroup.CgroupMounts layout = cgroups();
                if (!h.root()) {
                    // below the caller's delegated v2 subtree, with only the controllers delegated to it
                    layout = delegation().view(layout);
                    parent = delegation().parentBelow(layout.unified(), parent);
                }
                cg = isola.linux.cgroup.SandboxCgroups.create(layout, parent, resolved.id(), resolved.limits(),
                        lease::recordCgroups, LinuxSandbox.poolsCgroups(resolved, h) ? cgroupPool() : null);
            }
            LinuxSandbox sandbox = new LinuxSandbox(this, resolved, userns, LinuxSandbox.cloneFlags(resolved, userns), mounts,
                    cg, lease, net);
            if (net != null) {
                sandbox.whileHeld(net::connect);
            }
            return sandbox;
        } catch (RuntimeException e) {
            if (net != null) {
                net.close();
            }
            lease.close();
            throw e;
        }
    }

    /**
     * The emptied cgroups of this JVM's closed sandboxes, kept for the next sandbox with the same
     * limits (cgroup v1 only; see {@link isola.linux.cgroup.CgroupPool}). Its record is a lease, so a
     * crash leaves them to the next start's sweep; a shutdown hook removes them at exit. System
     * property {@code isola.linux.cgroupPool} sets how many are kept (default 4; 0: none).
     *
     * @return the pool, shared by every backend instance of this JVM
     */
    public isola.linux.cgroup.CgroupPool cgroupPool() {
        ensureHelper();
        synchronized (LinuxBackend.class) {
            if (cgroupPool == null) {
                int capacity = Integer.getInteger("isola.linux.cgroupPool", isola.linux.cgroup.CgroupPool.DEFAULT_CAPACITY);
                String name = "pool-" + ProcessHandle.current().pid();
                SandboxLease record = capacity > 0 ? SandboxLease.acquire(leaseDir, name) : null;
                isola.linux.cgroup.CgroupPool pool = new isola.linux.cgroup.CgroupPool(capacity, name + "-", dirs -> {
                    if (record != null) {
                        record.rewriteCgroups(dirs);
                    }
                });
                if (record != null) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        if (pool.drain()) {
                            record.close();
                        }
                    }, "isola-cgroup-pool-drain"));
                }
                cgroupPool = pool;
            }
            return cgroupPool;
        }
    }

    private static String cgroupParent(SandboxSpec spec) {
        String p = spec.linux().cgroupParent() == null ? "isola" : spec.linux().cgroupParent();
        String norm = isola.api.SandboxPaths.checkInside("cgroup parent", "/" + p).substring(1);
        if (norm.isEmpty()) {
            throw new isola.api.SpecValidationException("cgroup parent must name a cgroup below the root, got \"" + p + "\"");
        }
        return norm;
    }

    private synchronized void ensureHelper() {
        if (helper == null) {
            Path base = RuntimeDirs.base(host().uid);
            socketDir = RuntimeDirs.privateDir(base.resolve("sock"), host().uid);
            sweepStaleSockets(socketDir);
            leaseDir = RuntimeDirs.privateDir(base.resolve("sandboxes"), host().uid);
            SandboxLease.sweep(leaseDir, isola.linux.cgroup.SandboxCgroups::removeAll);
            isola.linux.net.NetCommands commands = host().root() ? isola.linux.net.NetCommands.find() : null;
            if (commands != null) {
                // the bridge, its table and its sysctls are the host's, whatever runtime directory this process uses
                bridge = isola.linux.net.LinuxBridge.fromProperties(RuntimeDirs.privateDir(Path.of("/run/isola-net"), 0),
                        commands);
                bridge.sweep(SandboxLease::isLive);
            }
            helper = HelperBinary.extract(base, host().uid);
        }
    }

    /** Removes sockets left by a JVM that died between binding and accepting (names are s&lt;pid&gt;-&lt;n&gt;). */
    static void sweepStaleSockets(Path dir) {
        try (var entries = Files.list(dir)) {
            entries.forEach(p -> {
                String n = p.getFileName().toString();
                int dash = n.indexOf('-');
                if (n.startsWith("s") && dash > 1) {
                    try {
                        long pid = Long.parseLong(n.substring(1, dash));
                        if (ProcessHandle.of(pid).isEmpty()) {
                            Files.deleteIfExists(p);
                        }
                    } catch (NumberFormatException | java.io.IOException ignored) {
                        // not one of ours, or already gone
                    }
                }
            });
        } catch (java.io.IOException ignored) {
            // nothing to sweep
        }
    }

    Path helper() {
        return helper;
    }

    Path socketDir() {
        return socketDir;
    }

    Path leaseDir() {
        return leaseDir;
    }

    /** @return the host bridge of network mode bridge (the capability check guarantees root and the commands) */
    isola.linux.net.LinuxBridge bridge() {
        return bridge;
    }

}
