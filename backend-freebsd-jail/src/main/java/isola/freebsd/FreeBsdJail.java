// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.IsolationException;
import isola.api.NetworkMode;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One jail and everything made on the host for it, as a state machine:
 * {@code NEW --create--> CREATED --destroy--> REMOVED}, or {@code NEW --create fails--> REMOVED}
 * with every half-made piece undone. Each host action is recorded in the {@link JailRecord}
 * before it is done, so a failure half-way, a close, or a sweep after a crash undoes exactly what
 * was done, newest first: pf anchor, (vnet interfaces go with the jail), the jail, rctl rules,
 * epair, aliases, mounts in reverse order, mount points isola created, ZFS clone, directories.
 */
public final class FreeBsdJail {
    /** Where the jail is in its life. */
    public enum State {
        /** Nothing made yet. */ NEW,
        /** The jail exists with its root, network and limits. */ CREATED,
        /** Everything is undone (or left in the record for a sweep). */ REMOVED
    }

    /** FreeBSD 15.0's __FreeBSD_version: from it on, jail_set replaces a dying jail of the same name. */
    static final long OSRELDATE_15 = 1500000;
    static final String DEVFS = "/sbin/devfs";
    static final String ZFS = "/sbin/zfs";

    private final JailNative n;
    private final HostTools tools;
    private final JailRecord record;
    private final SandboxSpec spec;
    private final Path jailDir;
    private final Path addrDir;
    private final BridgeConfig bridge;
    private final long osreldate;
    private final String name;
    private State state = State.NEW;
    private int jid = -1;
    private String address;

    /**
     * @param n the kernel calls
     * @param tools the base tools
     * @param record the sandbox's held record
     * @param spec the validated sandbox
     * @param jailDir the sandbox's directory under the runtime dir ({@code .../jails/<id>}); the root alias is its {@code root}
     * @param addrDir where bridge addresses are claimed
     * @param bridge the host bridge, for mode bridge
     * @param osreldate the kernel's __FreeBSD_version
     */
    public FreeBsdJail(JailNative n, HostTools tools, JailRecord record, SandboxSpec spec, Path jailDir, Path addrDir,
            BridgeConfig bridge, long osreldate) {
        this.n = n;
        this.tools = tools;
        this.record = record;
        this.spec = spec;
        this.jailDir = jailDir;
        this.addrDir = addrDir;
        this.bridge = bridge;
        this.osreldate = osreldate;
        String parent = spec.network().mode() == NetworkMode.JOIN ? JailParams.jailName(spec.network().joinSandbox(), null)
                : spec.freebsd().parentJail();
        this.name = JailParams.jailName(spec.id(), parent);
    }

    /**
     * Makes sure teardown, and the sweep after a crash, remove the jail's rctl rules: also those a
     * live change added to a jail created without any.
     */
    public synchronized void recordRctl() {
        Undo u = Undo.of(Undo.Kind.RCTL, RctlRules.filter(name));
        if (!record.undos().contains(u)) {
            record.add(u);
        }
    }

    /** @return the jail name */
    public String name() {
        return name;
    }

    /** @return the jid, -1 before creation */
    public synchronized int jid() {
        return jid;
    }

    /** @return the state */
    public synchronized State state() {
        return state;
    }

    /** @return the jail's path on the host (the root alias) */
    public Path root() {
        return jailDir.resolve("root");
    }

    /** @return the sandbox's address in mode bridge, else null */
    public synchronized String address() {
        return address;
    }

    /**
     * Makes everything, in order. On any failure undoes what was made, newest first, and rethrows.
     *
     * @throws IsolationException (or a subclass) naming what failed and why
     */
    public synchronized void create() {
        if (state != State.NEW) {
            throw new IllegalStateException("jail " + name + " is " + state);
        }
        try {
            doCreate();
            state = State.CREATED;
        } catch (RuntimeException e) {
            List<String> errors = new ArrayList<>();
            List<Undo> failed = JailRecord.undoAll(record.undos(), n, tools, errors);
            state = State.REMOVED;
            if (failed.isEmpty()) {
                record.close();
            } else {
                record.keepOnly(failed);
                record.release();
                e.addSuppressed(new IsolationException("cleanup after the failure left " + failed.size()
                        + " action(s) for the next sweep: " + String.join("; ", errors)));
            }
            throw JailErrors.toPublic(e, name);
        }
    }

    private void doCreate() {
        if (n.jailFind(name, false) >= 0) {
            throw new IsolationException("a jail named " + name + " exists already and was not made by this sandbox; "
                    + "remove it (jail -r " + name + ") or choose another id");
        }
        mkdir(jailDir);
        mkdir(root());
        Path rootSource = rootSource();
        for (MountPlan.Op op : MountPlan.plan(spec, rootSource)) {
            mount(op);
        }
        String epairB = null;
        NetworkMode mode = spec.network().mode();
        if (mode == NetworkMode.ADDRESSES) {
            runAll(NetworkPlan.aliases(spec.freebsd().aliasInterface(), spec.network().addresses()));
        } else if (mode == NetworkMode.BRIDGE) {
            address = claimAddress();
            String a = tools.run(NetworkPlan.IFCONFIG, "epair", "create").strip();
            if (!a.matches("[A-Za-z0-9_.]+a")) {
                throw new NativeException("ifconfig", "epair create", 0, "unexpected output \"" + a + "\"");
            }
            record.add(Undo.of(Undo.Kind.IFDESTROY, a));
            epairB = a.substring(0, a.length() - 1) + "b";
            runAll(NetworkPlan.bridgeHost(bridge, a));
        }
        List<String> rules = RctlRules.render(name, spec.limits(), FreeBsdJailBackend.NAME);
        if (!rules.isEmpty()) {
            // rctl rules are keyed by name and may be installed before the jail exists: the first process is limited
            record.add(Undo.of(Undo.Kind.RCTL, RctlRules.filter(name)));
            for (String r : rules) {
                n.rctlAddRule(r);
            }
        }
        if (mode == NetworkMode.JOIN) {
            String parent = JailParams.jailName(spec.network().joinSandbox(), null);
            if (n.jailFind(parent, false) < 0) {
                throw new IsolationException("no running sandbox " + spec.network().joinSandbox() + " (no jail " + parent + ") to join");
            }
            // the joined jail must be allowed children to share its vnet with this one
            n.jailSet(List.of(JailParam.string("name", parent), JailParam.integer("children.max", 256)), JailNative.JAIL_UPDATE);
        }
        createJail();
        if (mode == NetworkMode.NONE || mode == NetworkMode.BRIDGE) {
            runAll(NetworkPlan.loopback(jid));
        }
        if (mode == NetworkMode.BRIDGE) {
            runAll(NetworkPlan.bridgeJail(bridge, epairB, jid, address));
            runAll(NetworkPlan.pf(bridge, spec.id(), address, spec.network()));
        }
        if (spec.limits().cpusetCpus() != null) {
            tools.run("/bin/cpuset", "-l", spec.limits().cpusetCpus(), "-j", Integer.toString(jid));
        }
    }

    private Path rootSource() {
        if (spec.root().isHost()) {
            return Path.of("/");
        }
        Path dir = spec.root().directory();
        String template = spec.freebsd().zfsTemplate();
        if (template != null) {
            String dataset = cloneDataset(template, spec.id());
            record.add(Undo.of(Undo.Kind.ZFS, dataset));
            tools.run(ZFS, "clone", "-o", "mountpoint=" + dir, "-o", "isola:sandbox=" + spec.id(), template, dataset);
        }
        return dir;
    }

    /**
     * @param template {@code pool/a/base@v1}
     * @param id the sandbox id
     * @return the clone beside the template's dataset: {@code pool/a/isola-<id>}
     */
    static String cloneDataset(String template, String id) {
        String ds = template.substring(0, template.indexOf('@'));
        int slash = ds.lastIndexOf('/');
        return (slash < 0 ? ds : ds.substring(0, slash)) + "/isola-" + id;
    }

    private void mount(MountPlan.Op op) {
        Path at = op.destination().equals("/") ? root() : SafePaths.resolve(root(), op.destination());
        if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
            boolean file = op.fs() == MountPlan.Fs.NULLFS && op.source() != null && Files.isRegularFile(Path.of(op.source()));
            makeMountPoint(at, file, op.destination());
        } else if (Files.isSymbolicLink(at)) {
            throw new SpecValidationException("mount destination " + op.destination() + " is a symbolic link in the root");
        }
        record.add(Undo.of(Undo.Kind.UNMOUNT, at.toString()));
        n.nmount(op.options(at.toString()), op.flags());
        if (op.fs() == MountPlan.Fs.DEVFS) {
            // devfs(8): select the ruleset for this mount, then apply it (the jail's devfs_ruleset only
            // matters for a devfs the jail mounts itself)
            tools.run(DEVFS, "-m", at.toString(), "ruleset", Integer.toString(op.ruleset()));
            tools.run(DEVFS, "-m", at.toString(), "rule", "applyset");
        }
    }

    private void makeMountPoint(Path at, boolean file, String dest) {
        List<Path> missing = new ArrayList<>();
        for (Path p = at.getParent(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(0, p);
        }
        try {
            for (Path p : missing) {
                record.add(Undo.of(Undo.Kind.RMDIR, p.toString()));
                Files.createDirectory(p);
            }
            record.add(Undo.of(file ? Undo.Kind.RMFILE : Undo.Kind.RMDIR, at.toString()));
            if (file) {
                Files.createFile(at);
            } else {
                Files.createDirectory(at);
            }
        } catch (IOException e) {
            throw new SpecValidationException("mount destination " + dest + " does not exist in the "
                    + (spec.root().readOnly() ? "read-only " : "") + "root and cannot be created: " + e);
        }
    }

    private void mkdir(Path p) {
        record.add(Undo.of(Undo.Kind.RMDIR, p.toString()));
        try {
            Files.createDirectory(p);
        } catch (FileAlreadyExistsException e) {
            throw new IsolationException(p + " exists already: a sandbox " + spec.id() + " was not cleaned up; "
                    + "remove what is mounted there first");
        } catch (IOException e) {
            throw new IsolationException("cannot create " + p + ": " + e, e);
        }
    }

    private String claimAddress() {
        List<String> wanted = spec.network().addresses().isEmpty() ? bridge.candidates()
                : List.of(strip(spec.network().addresses().get(0)));
        for (String a : wanted) {
            Path claim = addrDir.resolve(a);
            try {
                Files.createFile(claim);
                record.add(Undo.of(Undo.Kind.RMFILE, claim.toString()));
                return a;
            } catch (FileAlreadyExistsException taken) {
                // in use by another sandbox
            } catch (IOException e) {
                throw new IsolationException("cannot claim address " + a + " in " + addrDir + ": " + e, e);
            }
        }
        throw new IsolationException(spec.network().addresses().isEmpty()
                ? "no free address left in " + bridge.gateway() + "/" + bridge.prefix() + " on " + bridge.bridge()
                : "address " + wanted.get(0) + " is in use by another sandbox");
    }

    private static String strip(String a) {
        return a.contains("/") ? a.substring(0, a.indexOf('/')) : a;
    }

    private void createJail() {
        List<JailParam> params = JailParams.of(spec, name, root().toString());
        Undo undo = Undo.of(Undo.Kind.JAIL, name);
        record.add(undo);
        try {
            jid = n.jailSet(params, JailNative.JAIL_CREATE);
        } catch (NativeException e) {
            if (e.errno() != FreeBsdErrno.EEXIST) {
                throw e;
            }
            if (n.jailFind(name, false) < 0 && n.jailFind(name, true) >= 0 && osreldate < OSRELDATE_15) {
                // 14.x keeps the name of a dying jail (sockets in TIME_WAIT, vnet teardown) until it is gone;
                // JAIL_DYING lets the new jail take it. 15.x replaces a dying jail by itself.
                jid = n.jailSet(params, JailNative.JAIL_CREATE | JailNative.JAIL_DYING);
            } else {
                // not ours: the undo must never remove a jail someone else made under this name
                record.remove(undo);
                throw e;
            }
        }
    }

    private void runAll(List<NetworkPlan.Command> cmds) {
        for (NetworkPlan.Command c : cmds) {
            if (c.undo() != null) {
                record.add(c.undo());
            }
            tools.run(c.argv(), c.stdin());
        }
    }

    /**
     * Stops the jail's processes gracefully: SIGTERM to all, up to {@code grace} for them to end
     * (jail(8)'s stop.timeout), then jail_remove kills what remains with SIGKILL.
     *
     * @param grace how long to wait after SIGTERM
     */
    public void stop(Duration grace) {
        int j = jid();
        if (j < 0 || n.jailFind(name, false) != j) {
            return;
        }
        String js = Integer.toString(j);
        if (!grace.isZero() && quiet(() -> tools.run("/bin/pkill", "-TERM", "-j", js))) {
            long deadline = System.nanoTime() + grace.toNanos();
            while (System.nanoTime() < deadline && quiet(() -> tools.run("/bin/pgrep", "-j", js))) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            n.jailRemove(j);
        } catch (NativeException e) {
            if (e.errno() != FreeBsdErrno.EINVAL) {
                throw e;
            }
        }
    }

    /** @return whether the tool succeeded (pkill/pgrep exit 1 when nothing matched) */
    private static boolean quiet(Runnable r) {
        try {
            r.run();
            return true;
        } catch (NativeException e) {
            return false;
        }
    }

    /**
     * Stops the jail and undoes everything, newest first. Idempotent.
     *
     * @param grace how long processes get after SIGTERM
     * @throws IsolationException when something could not be undone (it stays in the record for the next sweep)
     */
    public synchronized void destroy(Duration grace) {
        if (state == State.REMOVED) {
            return;
        }
        state = State.REMOVED;
        List<String> errors = new ArrayList<>();
        try {
            stop(grace);
        } catch (RuntimeException e) {
            errors.add(e.getMessage());
        }
        List<Undo> failed = JailRecord.undoAll(record.undos(), n, tools, errors);
        if (failed.isEmpty()) {
            record.close();
            return;
        }
        record.keepOnly(failed);
        record.release();
        throw new IsolationException("closing sandbox " + spec.id() + " left " + failed.size()
                + " action(s) for the next sweep: " + String.join("; ", errors));
    }
}
