// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.Capability;
import isola.api.Limits;
import isola.api.UnsupportedCapabilityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a sandbox's {@link Limits} as rctl(8) rules for the syscall interface: subject spelled
 * out ({@code jail}), the jail's name, amounts in plain numbers (the syscalls take no {@code 512m}
 * suffixes). Rules are keyed by jail name and outlive the jail, so teardown removes the filter
 * {@link #filter}.
 */
public final class RctlRules {
    private RctlRules() {
    }

    /**
     * @param jail the jail name
     * @param limits the limits
     * @param backend the backend's name, for refusals
     * @return the rules, in order
     * @throws UnsupportedCapabilityException for a limit rctl cannot express
     */
    public static List<String> render(String jail, Limits limits, String backend) {
        String s = "jail:" + jail + ":";
        List<String> r = new ArrayList<>();
        if (limits.memoryBytes() != null) {
            // sigkill, not deny: memoryuse:deny only makes the kernel swap and thrash (rctl(8)); sigkill is the OOM kill
            r.add(s + "memoryuse:sigkill=" + limits.memoryBytes());
        }
        if (limits.memorySwapBytes() != null) {
            r.add(s + "swapuse:deny=" + (limits.memorySwapBytes() - limits.memoryBytes()));
        }
        if (limits.cpus() != null) {
            // pcpu is a percentage of one CPU; values above 100 cap several
            r.add(s + "pcpu:deny=" + Math.max(1, Math.round(limits.cpus() * 100)));
        }
        if (limits.pids() != null) {
            // the portable limit counts processes and threads: both resources
            r.add(s + "maxproc:deny=" + limits.pids());
            r.add(s + "nthr:deny=" + limits.pids());
        }
        if (limits.cpuWeight() != null) {
            throw new UnsupportedCapabilityException(Capability.CPU_WEIGHT, backend,
                    "FreeBSD has no CPU weight between jails (rctl has no shares)");
        }
        if (limits.ioWeight() != null) {
            throw new UnsupportedCapabilityException(Capability.IO_LIMIT, backend,
                    "FreeBSD has no I/O weight; only readbps/writebps/readiops/writeiops throttles");
        }
        Long read = null;
        Long write = null;
        for (Limits.DeviceIo d : limits.deviceIo()) {
            // rctl throttles a jail's filesystem I/O on every device: the strictest per-device rate
            // applies to all, which is never weaker than asked
            read = min(read, d.readBps());
            write = min(write, d.writeBps());
        }
        if (read != null) {
            r.add(s + "readbps:throttle=" + read);
        }
        if (write != null) {
            r.add(s + "writebps:throttle=" + write);
        }
        return r;
    }

    private static Long min(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }

    /**
     * The kernel calls that turn one set of a jail's rules into another, each with its inverse.
     * rctl_rule_add(2) replaces a {@code deny} rule that differs only in amount (kern_rctl.c
     * removes them before adding), but keeps {@code sigkill} and {@code throttle} rules side by
     * side: for those the new rule is added first and the old one removed after, so that the
     * jail is never without the limit in between.
     *
     * @param before the rules in force
     * @param after the rules wanted
     * @return the steps, in order: additions, then removals of what nothing replaced
     */
    public static List<Step> change(List<String> before, List<String> after) {
        java.util.Map<String, String> old = new java.util.LinkedHashMap<>();
        before.forEach(r -> old.put(key(r), r));
        List<Step> steps = new ArrayList<>();
        List<Step> removals = new ArrayList<>();
        for (String r : after) {
            String prior = old.remove(key(r));
            if (r.equals(prior)) {
                continue;
            }
            boolean replaces = prior != null && key(r).endsWith(":deny");
            if (replaces) {
                steps.add(new Step(Step.ADD, r, prior));
            } else {
                steps.add(new Step(Step.ADD, r, null));
                if (prior != null) {
                    removals.add(new Step(Step.REMOVE, prior, null));
                }
            }
        }
        old.values().forEach(r -> removals.add(new Step(Step.REMOVE, r, null)));
        steps.addAll(removals);
        return steps;
    }

    /** @return {@code subject:id:resource:action} of a full rule */
    private static String key(String rule) {
        return rule.substring(0, rule.lastIndexOf('='));
    }

    /**
     * One kernel call of a change and its inverse.
     *
     * @param op {@link #ADD} (rctl_add_rule) or {@link #REMOVE} (rctl_remove_rule with the full rule
     *     as filter, which matches that amount only)
     * @param rule the full rule
     * @param replaced for an addition that replaced a deny rule: that rule, which the inverse adds back
     */
    public record Step(String op, String rule, String replaced) {
        /** rctl_add_rule. */
        public static final String ADD = "add";
        /** rctl_remove_rule. */
        public static final String REMOVE = "remove";

        /** @param n the kernel */
        public void apply(JailNative n) {
            if (op.equals(ADD)) {
                n.rctlAddRule(rule);
            } else {
                n.rctlRemoveRule(rule);
            }
        }

        /** @param n the kernel */
        public void undo(JailNative n) {
            if (op.equals(REMOVE)) {
                n.rctlAddRule(rule);
            } else if (replaced != null) {
                n.rctlAddRule(replaced);
            } else {
                n.rctlRemoveRule(rule);
            }
        }
    }

    /** @param jail the jail name @return the filter that removes all its rules */
    public static String filter(String jail) {
        return "jail:" + jail + ":";
    }

    /**
     * Parses rctl_get_racct output.
     *
     * @param racct {@code cputime=1,datasize=2,...}
     * @return resource to amount
     */
    public static java.util.Map<String, Long> parseRacct(String racct) {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (String kv : racct.strip().split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                try {
                    m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
                } catch (NumberFormatException ignored) {
                    // a resource this version does not know how to read
                }
            }
        }
        return m;
    }

    /**
     * @param racct parsed usage
     * @return the portable stats: racct has one CPU time (user and system together, seconds), so it
     *     is reported as user time and system time stays null
     */
    public static isola.api.SandboxStats stats(java.util.Map<String, Long> racct) {
        Long cpu = racct.get("cputime");
        return new isola.api.SandboxStats(cpu == null ? null : cpu * 1_000_000_000L, null, racct.get("memoryuse"),
                null, racct.get("maxproc"), null, null, null);
    }
}
