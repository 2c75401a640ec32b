// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.IsolatedProcess;
import isola.api.IsolationException;
import isola.api.ProcessSpec;
import isola.api.Rlimit;
import isola.api.Sandbox;
import isola.api.SandboxSpec;
import isola.api.SandboxState;
import isola.api.SandboxStats;
import isola.api.Signal;
import isola.api.UserSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A FreeBSD sandbox: a persistent jail made at create, processes entered through isola-jexec,
 * everything undone at close (graceful stop, jail_remove, then the host-side pieces in reverse).
 */
final class FreeBsdSandbox implements Sandbox {
    private final FreeBsdJailBackend backend;
    private final SandboxSpec spec;
    private final FreeBsdJail jail;
    private final Duration stopTimeout;
    private final List<FreeBsdProcess> processes = new ArrayList<>();
    private boolean closed;
    /** The limits in force: the spec's, as changed by {@link #updateLimits}. */
    private isola.api.Limits limits;

    FreeBsdSandbox(FreeBsdJailBackend backend, SandboxSpec spec, FreeBsdJail jail, Duration stopTimeout) {
        this.backend = backend;
        this.spec = spec;
        this.jail = jail;
        this.stopTimeout = stopTimeout;
        this.limits = spec.limits();
    }

    FreeBsdJail jail() {
        return jail;
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
        return FreeBsdJailBackend.NAME;
    }

    @Override
    public synchronized SandboxState state() {
        if (closed) {
            return SandboxState.CLOSED;
        }
        if (processes.isEmpty()) {
            return SandboxState.CREATED;
        }
        return processes.stream().anyMatch(FreeBsdProcess::isAlive) ? SandboxState.RUNNING : SandboxState.STOPPED;
    }

    @Override
    public synchronized IsolatedProcess exec(ProcessSpec ps) {
        if (closed) {
            throw new IsolationException("sandbox " + id() + " is closed");
        }
        backend.capabilities().require(backend.name(), SandboxSpec.process(ps));
        byte[] request = request(ps, jail.jid(), UserFiles.resolve(ps.user() == null ? UserSpec.ROOT : ps.user(), jail.root()),
                spec.security().noNewPrivileges());
        HelperLaunch.Started s = HelperLaunch.start(backend.helper(), backend.socketDir(), request, ps.stdin(), ps.stdout(), ps.stderr());
        FreeBsdProcess p = new FreeBsdProcess(s, backend.natives(), ps.timeout());
        processes.add(p);
        return p;
    }

    /**
     * @param ps the process
     * @param jid the jail
     * @param user numeric ids
     * @param noNewPrivs whether to set PROC_NO_NEW_PRIVS
     * @return the helper's request
     */
    static byte[] request(ProcessSpec ps, int jid, UserSpec user, boolean noNewPrivs) {
        HelperProtocol.Request r = new HelperProtocol.Request().integer(HelperProtocol.TAG_JID, jid);
        ps.argv().forEach(a -> r.string(HelperProtocol.TAG_ARG, a));
        Map<String, String> env = ps.effectiveEnv();
        env.forEach((k, v) -> r.string(HelperProtocol.TAG_ENV, k + "=" + v));
        r.string(HelperProtocol.TAG_PATH, env.getOrDefault("PATH", ProcessSpec.DEFAULT_PATH));
        r.string(HelperProtocol.TAG_CWD, ps.cwd());
        r.integer(HelperProtocol.TAG_UID, user.uid()).integer(HelperProtocol.TAG_GID, user.gid()).groups(user.groups());
        for (Rlimit l : ps.rlimits()) {
            r.rlimit(HelperProtocol.rlimit(l.type()), l.soft(), l.hard());
        }
        r.integer(HelperProtocol.TAG_UMASK, ps.umask() == null ? 022 : ps.umask());
        r.integer(HelperProtocol.TAG_FLAGS, noNewPrivs ? HelperProtocol.FLAG_NO_NEW_PRIVS : 0);
        return r.bytes();
    }

    @Override
    public synchronized void kill(Signal signal) {
        if (closed || jail.jid() < 0) {
            return;
        }
        try {
            backend.tools().run("/bin/pkill", "-" + signal.number(), "-j", Integer.toString(jail.jid()));
        } catch (NativeException none) {
            // pkill exits 1 when no process matched
        }
    }

    @Override
    public SandboxStats stats() {
        if (!backend.host().racct()) {
            return SandboxStats.NONE;
        }
        try {
            return RctlRules.stats(RctlRules.parseRacct(backend.natives().rctlGetRacct("jail:" + jail.name())));
        } catch (NativeException e) {
            return SandboxStats.NONE;
        }
    }

    /**
     * Changes the jail's rctl rules ({@link RctlRules#change}) and its CPU set live, all or nothing:
     * when a kernel call fails, those done are undone newest first.
     */
    @Override
    public synchronized isola.api.Limits updateLimits(isola.api.Limits changes) {
        if (closed) {
            throw new IsolationException("sandbox " + id() + " is closed");
        }
        String name = FreeBsdJailBackend.NAME;
        backend.capabilities().require(name, java.util.Set.of(isola.api.Capability.LIVE_LIMIT_UPDATE));
        isola.api.Limits after = limits.with(changes);
        java.util.Set<isola.api.Capability> needed = SandboxSpec.builder().limits(after).build().requiredCapabilities();
        needed.retainAll(java.util.EnumSet.of(isola.api.Capability.MEMORY_LIMIT, isola.api.Capability.MEMORY_SWAP_LIMIT,
                isola.api.Capability.CPU_LIMIT, isola.api.Capability.CPU_WEIGHT, isola.api.Capability.CPUSET,
                isola.api.Capability.PIDS_LIMIT, isola.api.Capability.IO_LIMIT));
        backend.capabilities().require(name, needed);
        if (after.cpusetMems() != null) {
            throw new isola.api.UnsupportedCapabilityException(isola.api.Capability.CPUSET, name,
                    "pinning memory domains (cpuset mems) is not mapped on FreeBSD; pin CPUs only");
        }
        boolean pin = changes.cpusetCpus() != null && !changes.cpusetCpus().equals(limits.cpusetCpus());
        if (pin && limits.cpusetCpus() == null) {
            throw new isola.api.UnsupportedCapabilityException(isola.api.Capability.CPUSET, name,
                    "the jail was created without a CPU set, and its inverse (the host's whole set) is not one isola "
                            + "can name; create the sandbox with cpuset cpus (any) to change them live");
        }
        List<RctlRules.Step> steps = RctlRules.change(RctlRules.render(jail.name(), limits, name),
                RctlRules.render(jail.name(), after, name));
        JailNative n = backend.natives();
        if (!steps.isEmpty()) {
            jail.recordRctl();
        }
        List<RctlRules.Step> done = new ArrayList<>();
        try {
            for (RctlRules.Step st : steps) {
                st.apply(n);
                done.add(st);
            }
            if (pin) {
                backend.tools().run("/bin/cpuset", "-l", after.cpusetCpus(), "-j", Integer.toString(jail.jid()));
            }
        } catch (RuntimeException e) {
            for (int i = done.size() - 1; i >= 0; i--) {
                try {
                    done.get(i).undo(n);
                } catch (RuntimeException back) {
                    e.addSuppressed(back);
                }
            }
            throw e;
        }
        limits = after;
        return after;
    }

    @Override
    public void close() {
        List<FreeBsdProcess> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(processes);
        }
        try {
            jail.destroy(stopTimeout);
        } finally {
            all.forEach(FreeBsdProcess::reap);
        }
    }

    Path root() {
        return jail.root();
    }
}
