// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import isola.api.IsolatedProcess;
import isola.api.IsolationException;
import isola.api.LinuxOptions;
import isola.api.NetworkMode;
import isola.api.ProcessSpec;
import isola.api.Rlimit;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SandboxState;
import isola.api.Signal;
import isola.api.UnsupportedCapabilityException;
import isola.api.UserSpec;
import isola.api.Capability;
import isola.linux.helper.HelperLaunch;
import isola.linux.helper.HelperProtocol;
import isola.linux.helper.HelperRequest;
import isola.linux.ns.LinuxPrivileges;
import isola.linux.ns.LinuxRlimits;
import isola.linux.ns.MountOp;
import isola.linux.ns.UserResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Linux sandbox. Its namespaces are created with its first process (the helper clones an init
 * that stays as pid 1 until close); later processes join them with setns. Everything lives in
 * namespaces that die with the init, so close leaves no mount, namespace or process behind.
 */
final class LinuxSandbox implements Sandbox {
    private final LinuxBackend backend;
    private final SandboxSpec spec;
    private final boolean userNamespace;
    private final long cloneFlags;
    private final List<MountOp> mounts;
    private final long capMask;
    private final isola.linux.cgroup.SandboxCgroups cgroups;
    private final SandboxLease lease;
    /** Network mode bridge: the address, veth and ports; null in other modes. */
    private final isola.linux.net.BridgeAttachment net;
    private final List<LinuxProcess> processes = new ArrayList<>();
    private LinuxProcess keeper;
    /** Runs with the init's host pid after its namespaces exist and before the first workload starts. */
    private java.util.function.LongConsumer whileHeld;
    private boolean closed;
    /** The limits in force: the spec's, as changed by {@link #updateLimits}. */
    private isola.api.Limits limits;

    LinuxSandbox(LinuxBackend backend, SandboxSpec spec, boolean userNamespace, long cloneFlags, List<MountOp> mounts,
            isola.linux.cgroup.SandboxCgroups cgroups, SandboxLease lease, isola.linux.net.BridgeAttachment net) {
        this.backend = backend;
        this.net = net;
        this.lease = lease;
        this.cgroups = cgroups;
        this.spec = spec;
        this.userNamespace = userNamespace;
        this.cloneFlags = cloneFlags;
        this.mounts = mounts;
        this.capMask = LinuxPrivileges.mask(spec.security().privileges());
        this.limits = spec.limits();
    }

    /**
     * Sets what runs between the namespaces' creation and the first workload's start (the network
     * attachment of bridge mode). Before the first exec only.
     *
     * @param action gets the init's host pid; throwing tears the sandbox down
     */
    synchronized void whileHeld(java.util.function.LongConsumer action) {
        if (keeper != null) {
            throw new IllegalStateException("sandbox " + id() + " has started");
        }
        this.whileHeld = action;
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public SandboxSpec spec() {
        return spec;
    }

    @Override
    public String backend() {
        return backend.name();
    }

    @Override
    public synchronized SandboxState state() {
        if (closed) {
            return SandboxState.CLOSED;
        }
        if (keeper == null) {
            return SandboxState.CREATED;
        }
        return processes.stream().anyMatch(LinuxProcess::isAlive) ? SandboxState.RUNNING : SandboxState.STOPPED;
    }

    @Override
    public synchronized IsolatedProcess exec(ProcessSpec ps) {
        if (closed) {
            throw new IsolationException("sandbox " + id() + " is closed");
        }
        backend.capabilities().require(backend.name(), SandboxSpec.process(ps));
        UserSpec user = resolveUser(ps);
        boolean first = keeper == null;
        if (!first && !keeper.helper().isAlive()) {
            throw new IsolationException("sandbox " + id() + " is no longer running: its init has exited");
        }
        long[] before = new long[2];
        // the request is laid out and the verdicts' baselines read; then passed in the helper's environment
        java.util.function.Supplier<HelperRequest> request = () -> {
            HelperRequest req = request(ps, user, first);
            if (cgroups != null) {
                cgroups.settleBaselines();
            }
            if (cgroups != null && !first) {
                // a fresh sandbox's cgroups count nothing yet; a later process counts from what they hold now
                before[0] = cgroups.oomKills();
                before[1] = cgroups.pidsLimitHits();
            }
            return req;
        };
        HelperLaunch.Started started = HelperLaunch.start(backend.helper(), backend.socketDir(), request, true,
                ps.stdin(), ps.stdout(), ps.stderr(), first ? whileHeld : null);
        java.util.function.UnaryOperator<isola.api.ExitStatus> verdict = st -> cgroups == null ? st
                : st.withVerdicts(cgroups.oomKills() > before[0], cgroups.pidsLimitHits() > before[1]);
        LinuxProcess p = new LinuxProcess(started, first, ps.timeout(), first ? this::killAllForTimeout : null, verdict);
        if (first) {
            keeper = p;
            lease.recordInit(started.initPid());
        }
        processes.add(p);
        return p;
    }

    /** Lays out the helper's request for one process; {@code first} starts the sandbox's init. */
    private HelperRequest request(ProcessSpec ps, UserSpec user, boolean first) {
        HelperRequest req = new HelperRequest();
        if (first) {
            int flags = HelperProtocol.FLAG_KEEP | HelperProtocol.FLAG_ROOT_RDONLY * (spec.root().readOnly() ? 1 : 0)
                    | (ownStack(spec) ? HelperProtocol.FLAG_LOOPBACK : 0)
                    | (userNamespace ? HelperProtocol.FLAG_USERNS : 0)
                    | (spec.security().noNewPrivileges() ? HelperProtocol.FLAG_NO_NEW_PRIVS : 0)
                    | (whileHeld != null ? HelperProtocol.FLAG_HOLD : 0);
            req.mode(HelperProtocol.MODE_INIT).cloneFlags(cloneFlags).flags(flags);
            if (userNamespace) {
                LinuxHost h = backend.host();
                boolean toRoot = spec.linux().mapToRoot();
                req.idMaps((toRoot ? 0 : h.uid) + " " + h.uid + " 1\n", (toRoot ? 0 : h.gid) + " " + h.gid + " 1\n");
            }
            if (spec.network().mode() == NetworkMode.JOIN) {
                // the other sandbox's init, checked again now: it may have ended since create
                req.netJoinPid(SandboxLease.liveInit(backend.leaseDir(), spec.network().joinSandbox()));
            }
            if (net != null) {
                req.netAddress(net.address().getAddress(), net.prefix(), net.gateway().getAddress());
                if (net.address6() != null) {
                    req.netAddress(net.address6().getAddress(), net.prefix6(), net.gateway6().getAddress());
                }
            }
            req.hostname(spec.hostname());
            req.root(spec.root().isHost() ? "" : spec.root().directory().toString());
            mounts.forEach(req::mount);
        } else {
            req.mode(HelperProtocol.MODE_JOIN).joinPid(keeper.initPid())
                    .cloneFlags(joinFlags(cloneFlags, spec, userNamespace))
                    .flags((userNamespace ? HelperProtocol.FLAG_USERNS : 0)
                            | (spec.security().noNewPrivileges() ? HelperProtocol.FLAG_NO_NEW_PRIVS : 0));
        }
        processRecords(req, ps, user);
        if (cgroups != null) {
            cgroups.procsFiles().forEach(req::cgroup);
        }
        return req;
    }

    private void processRecords(HelperRequest req, ProcessSpec ps, UserSpec user) {
        ps.argv().forEach(req::arg);
        for (Map.Entry<String, String> e : ps.effectiveEnv().entrySet()) {
            req.env(e.getKey() + "=" + e.getValue());
        }
        req.cwd(ps.cwd()).ids(user.uid(), user.gid());
        if (!userNamespace) {
            req.groups(user.groups());
        }
        for (Rlimit r : ps.rlimits()) {
            req.rlimit(LinuxRlimits.number(r.type()), r.soft(), r.hard());
        }
        req.umask(ps.umask() == null ? 022 : ps.umask()).caps(capMask);
    }

    private UserSpec resolveUser(ProcessSpec ps) {
        LinuxHost h = backend.host();
        UserSpec dflt = userNamespace && !spec.linux().mapToRoot() ? UserSpec.of(h.uid, h.gid) : UserSpec.ROOT;
        UserSpec u = ps.user() == null ? dflt : ps.user();
        Path root = spec.root().isHost() ? Path.of("/") : spec.root().directory();
        u = UserResolver.resolve(u, root);
        if (u.gid() < 0) {
            u = new UserSpec(u.uid(), u.uid(), u.groups(), null);
        }
        if (userNamespace) {
            int inner = spec.linux().mapToRoot() ? 0 : h.uid;
            int innerGid = spec.linux().mapToRoot() ? 0 : h.gid;
            if (u.uid() != inner || u.gid() != innerGid) {
                throw new UnsupportedCapabilityException(Capability.USER_SWITCH, backend.name(),
                        "a rootless sandbox maps only the caller (to " + inner + ":" + innerGid + " inside); user "
                        + u.uid() + ":" + u.gid() + " has no mapping; run isola as root to switch users");
            }
        }
        return u;
    }

    @Override
    public isola.api.SandboxStats stats() {
        return cgroups == null ? isola.api.SandboxStats.NONE : cgroups.stats();
    }

    /**
     * Rewrites the changed limits in the sandbox's cgroups; the new values hold for the processes
     * running now and those started later.
     */
    @Override
    public synchronized isola.api.Limits updateLimits(isola.api.Limits changes) {
        if (closed) {
            throw new IsolationException("sandbox " + id() + " is closed");
        }
        if (!changes.any()) {
            return limits;
        }
        if (cgroups == null) {
            throw new isola.api.UnsupportedCapabilityException(isola.api.Capability.LIVE_LIMIT_UPDATE, "linux",
                    "sandbox " + id() + " was created without limits, so it has no cgroups of its own; create it "
                            + "with the limits to change (any values) to change them later");
        }
        limits = cgroups.update(limits, changes);
        return limits;
    }

    @Override
    public synchronized void kill(Signal signal) {
        if (closed || keeper == null) {
            return;
        }
        try {
            HelperLaunch.command(keeper.channel(), HelperProtocol.CMD_SIGNAL_ALL, signal.number());
        } catch (IOException e) {
            // the init is gone; nothing left to signal
        }
    }

    /** Called by a timeout: kill every process of the sandbox, keep the init. */
    void killAllForTimeout() {
        kill(Signal.KILL);
    }

    @Override
    public void close() {
        List<LinuxProcess> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(processes);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).beginDestroy();
        }
        // while the helpers kill the sandbox, its cgroups can already be renamed into the pool
        isola.linux.cgroup.CgroupPool pool = cgroups != null && poolsCgroups(spec, backend.host()) ? backend.cgroupPool() : null;
        String reserved = null;
        RuntimeException failed = null;
        try {
            reserved = pool == null ? null : cgroups.reserve(pool);
        } catch (RuntimeException e) {
            failed = e;
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).destroy();
        }
        try {
            if (cgroups != null) {
                cgroups.release(pool, reserved);
            }
        } catch (RuntimeException e) {
            failed = e;
        }
        try {
            if (net != null) {
                net.close();
            }
        } catch (RuntimeException e) {
            if (failed == null) {
                failed = e;
            } else {
                failed.addSuppressed(e);
            }
        }
        if (failed != null) {
            // the leases keep listing what is left; the next sweep retries
            lease.release();
            throw failed;
        }
        lease.close();
    }

    /**
     * Whether the sandbox's cgroups come from and go back to the pool of emptied groups: as root, under
     * isola's own parent. A parent the caller configured is the caller's to manage (and remove), so
     * nothing is kept in it.
     */
    static boolean poolsCgroups(SandboxSpec spec, LinuxHost host) {
        return host.root() && spec.linux().cgroupParent() == null;
    }

    static long cloneFlags(SandboxSpec spec, boolean userNamespace) {
        long f = HelperProtocol.CLONE_NEWNS | HelperProtocol.CLONE_NEWPID | HelperProtocol.CLONE_NEWUTS
                | HelperProtocol.CLONE_NEWIPC;
        if (ownStack(spec)) {
            f |= HelperProtocol.CLONE_NEWNET;
        }
        if (spec.linux().cgroupNamespace()) {
            f |= HelperProtocol.CLONE_NEWCGROUP;
        }
        if (userNamespace && spec.network().mode() != NetworkMode.JOIN) {
            // a shared network namespace comes with the user namespace that owns it
            f |= HelperProtocol.CLONE_NEWUSER;
        }
        return f;
    }

    /** @return whether the sandbox gets a network namespace of its own (modes none and bridge) */
    static boolean ownStack(SandboxSpec spec) {
        return spec.network().mode() == NetworkMode.NONE || spec.network().mode() == NetworkMode.BRIDGE;
    }

    /**
     * The namespaces a later process enters: those the init created, plus those it shares with
     * another sandbox (network, and the user namespace that owns it), which the helper would
     * otherwise leave it outside of.
     */
    static long joinFlags(long cloneFlags, SandboxSpec spec, boolean userNamespace) {
        long f = cloneFlags;
        if (spec.network().mode() == NetworkMode.JOIN) {
            f |= HelperProtocol.CLONE_NEWNET;
        }
        if (userNamespace) {
            f |= HelperProtocol.CLONE_NEWUSER;
        }
        return f;
    }

    static boolean wantsUserNamespace(LinuxOptions o, LinuxHost h) {
        return o.userNamespace() == LinuxOptions.UserNamespace.ALWAYS
                || (o.userNamespace() == LinuxOptions.UserNamespace.AUTO && !h.root());
    }
}
