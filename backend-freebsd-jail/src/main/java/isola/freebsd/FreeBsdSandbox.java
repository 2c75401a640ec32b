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

    FreeBsdSandbox(FreeBsdJailBackend backend, SandboxSpec spec, FreeBsdJail jail, Duration stopTimeout) {
        this.backend = backend;
        this.spec = spec;
        this.jail = jail;
        this.stopTimeout = stopTimeout;
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
