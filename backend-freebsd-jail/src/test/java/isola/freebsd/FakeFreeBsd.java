// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A recording fake of the FreeBSD kernel calls and base tools: it logs every call, keeps the
 * host state they would leave (jails, mounts, rctl rules, interfaces, aliases, pf anchors, ZFS
 * datasets), and can fail the n-th call with a given errno, so that tests can check that a failure
 * at any step leaves nothing behind.
 */
class FakeFreeBsd implements JailNative, HostTools {
    final List<String> calls = new ArrayList<>();
    final Map<String, Integer> jails = new LinkedHashMap<>();
    final Set<String> dying = new LinkedHashSet<>();
    final List<String> mounts = new ArrayList<>();
    final Set<String> rules = new LinkedHashSet<>();
    final Set<String> interfaces = new LinkedHashSet<>();
    final Set<String> aliases = new LinkedHashSet<>();
    final Set<String> anchors = new LinkedHashSet<>();
    final Set<String> datasets = new LinkedHashSet<>();
    final Map<String, Long> sysctls = new LinkedHashMap<>();
    int failAt = -1;
    int failErrno = 5;
    String failErrmsg = "injected";
    int nextJid = 1;
    int epairs;
    List<JailParam> lastJailParams;
    int lastJailFlags;

    FakeFreeBsd() {
        sysctls.put("kern.osreldate", 1403000L);
        sysctls.put("kern.racct.enable", 1L);
        sysctls.put("kern.features.vimage", 1L);
        sysctls.put("security.jail.jailed", 0L);
    }

    /** @return true when nothing is left on the "host" */
    boolean clean() {
        return jails.isEmpty() && mounts.isEmpty() && rules.isEmpty() && interfaces.isEmpty() && aliases.isEmpty()
                && anchors.isEmpty() && datasets.isEmpty();
    }

    String leftovers() {
        return "jails=" + jails + " mounts=" + mounts + " rules=" + rules + " ifs=" + interfaces + " aliases=" + aliases
                + " anchors=" + anchors + " datasets=" + datasets;
    }

    /** Counts only state-changing calls, the ones worth failing. */
    private void step(String call, String subject) {
        calls.add(call + " " + subject);
        if (failAt >= 0 && mutating() == failAt) {
            failAt = -1;
            throw new NativeException(call, subject, failErrno, failErrmsg);
        }
    }

    private int mutatingCount;

    /** @param more how many state-changing calls succeed before the next one fails */
    void failAfter(int more) {
        failAt = mutatingCount + more;
    }

    private int mutating() {
        return mutatingCount++;
    }

    private void record(String s) {
        calls.add(s);
    }

    @Override
    public int jailSet(List<JailParam> params, int flags) {
        String name = params.get(0).render().substring("name=".length());
        step("jail_set", name + " flags=" + flags);
        lastJailParams = params;
        lastJailFlags = flags;
        if ((flags & JAIL_UPDATE) != 0) {
            return jails.getOrDefault(name, -1);
        }
        if (jails.containsKey(name) || (dying.contains(name) && (flags & JAIL_DYING) == 0)) {
            throw new NativeException("jail_set", "jail \"" + name + "\"", FreeBsdErrno.EEXIST, "");
        }
        dying.remove(name);
        int jid = nextJid++;
        jails.put(name, jid);
        return jid;
    }

    @Override
    public int jailFind(String name, boolean alsoDying) {
        record("jail_get " + name + (alsoDying ? " dying" : ""));
        if (jails.containsKey(name)) {
            return jails.get(name);
        }
        return alsoDying && dying.contains(name) ? 999 : -1;
    }

    @Override
    public void jailRemove(int jid) {
        step("jail_remove", Integer.toString(jid));
        if (!jails.values().remove(jid)) {
            throw new NativeException("jail_remove", "jid " + jid, FreeBsdErrno.EINVAL, "");
        }
    }

    @Override
    public void rctlAddRule(String rule) {
        step("rctl_add_rule", rule);
        // as kern_rctl.c's rctl_rule_add: a deny rule replaces those differing only in amount; other
        // actions replace only an identical rule
        String key = rule.substring(0, rule.lastIndexOf('='));
        if (key.endsWith(":deny")) {
            rules.removeIf(r -> r.startsWith(key + "="));
        }
        rules.remove(rule);
        rules.add(rule);
    }

    @Override
    public void rctlRemoveRule(String filter) {
        step("rctl_remove_rule", filter);
        // a filter with an amount matches that amount only
        if (!rules.removeIf(r -> filter.contains("=") ? r.equals(filter) : r.startsWith(filter))) {
            throw new NativeException("rctl_remove_rule", filter, FreeBsdErrno.ESRCH, "");
        }
    }

    @Override
    public String rctlGetRacct(String filter) {
        record("rctl_get_racct " + filter);
        return "cputime=3,datasize=0,memoryuse=1048576,maxproc=2,openfiles=12";
    }

    @Override
    public void nmount(List<JailParam> options, int flags) {
        StringBuilder b = new StringBuilder();
        for (JailParam o : options) {
            b.append(b.length() == 0 ? "" : " ").append(o.render());
        }
        step("nmount", b + " flags=0x" + Integer.toHexString(flags));
        mounts.add(options.get(1).render().substring("fspath=".length()));
    }

    @Override
    public void unmount(String path, int flags) {
        step("unmount", path + (flags != 0 ? " force" : ""));
        if (!mounts.remove(path)) {
            throw new NativeException("unmount", path, FreeBsdErrno.EINVAL, "");
        }
    }

    @Override
    public Long sysctlLong(String name) {
        return sysctls.get(name);
    }

    @Override
    public String sysctlString(String name) {
        return name.equals("kern.osrelease") ? "14.3-RELEASE" : null;
    }

    @Override
    public boolean hasSymbol(String symbol) {
        return false;
    }

    @Override
    public void kill(long pid, int signal) {
        record("kill " + pid + " " + signal);
    }

    @Override
    public int geteuid() {
        return 0;
    }

    @Override
    public String run(List<String> argv, String stdin) {
        String line = String.join(" ", argv);
        String tool = argv.get(0);
        if (tool.equals("/bin/pgrep") || tool.equals("/bin/pkill")) {
            record(line);
            throw new NativeException(tool, line, 0, "exit status 1");
        }
        if (tool.equals("/sbin/route") && argv.contains("get")) {
            record(line);
            return "   route to: default\n  interface: vtnet0\n";
        }
        step("tool", line + (stdin == null ? "" : " <<" + stdin.strip().replace("\n", "; ")));
        if (line.equals("/sbin/ifconfig epair create")) {
            String a = "epair" + epairs++ + "a";
            interfaces.add(a);
            return a + "\n";
        }
        if (tool.equals("/sbin/ifconfig") && argv.get(argv.size() - 1).equals("destroy")) {
            if (!interfaces.remove(argv.get(1))) {
                throw new NativeException(tool, line, 0, "ifconfig: interface " + argv.get(1) + " does not exist");
            }
        } else if (tool.equals("/sbin/ifconfig") && argv.get(argv.size() - 1).equals("alias")) {
            aliases.add(argv.get(1) + " " + argv.get(3).replaceAll("/.*", ""));
        } else if (tool.equals("/sbin/ifconfig") && argv.get(argv.size() - 1).equals("-alias")) {
            if (!aliases.remove(argv.get(1) + " " + argv.get(3))) {
                throw new NativeException(tool, line, 0, "ifconfig: ioctl (SIOCDIFADDR): Can't assign requested address");
            }
        } else if (tool.equals("/sbin/pfctl") && argv.contains("-f")) {
            anchors.add(argv.get(2));
        } else if (tool.equals("/sbin/pfctl") && argv.contains("-F")) {
            anchors.remove(argv.get(2));
        } else if (tool.equals("/sbin/zfs") && argv.get(1).equals("clone")) {
            datasets.add(argv.get(argv.size() - 1));
            try {
                java.nio.file.Files.createDirectories(java.nio.file.Path.of(argv.get(3).substring("mountpoint=".length())));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        } else if (tool.equals("/sbin/zfs") && argv.get(1).equals("destroy")) {
            if (!datasets.remove(argv.get(2))) {
                throw new NativeException(tool, line, 0, "cannot open '" + argv.get(2) + "': dataset does not exist");
            }
        }
        return "";
    }

    /** @return the calls that changed state, in order */
    List<String> mutations() {
        return calls.stream().filter(c -> !c.startsWith("jail_get") && !c.startsWith("/bin/p") && !c.startsWith("rctl_get")
                && !c.startsWith("/sbin/route -n get")).toList();
    }
}
