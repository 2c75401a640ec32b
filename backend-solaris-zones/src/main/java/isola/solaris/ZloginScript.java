// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.Capability;
import isola.api.ProcessSpec;
import isola.api.Rlimit;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import isola.api.UserSpec;
import java.util.List;
import java.util.Map;

/**
 * The command line that runs a process in a zone through {@code zlogin -S}. zlogin(1) joins its
 * arguments into one string that a shell in the zone interprets, so every value from the spec
 * (argv, environment, cwd, user) is single-quoted for a POSIX shell, where nothing but the closing
 * quote is special ({@link #quote}); env(1) then execs the workload with exactly that argv and
 * environment, no shell in between. A different user is reached with su(8) running a private script file, so that the
 * user's login shell (which may not be a POSIX shell) only ever parses {@code /bin/sh /tmp/isola.XXXXXX}.
 *
 * <p>The channel that tells "could not enter the zone" from the workload's status: just before the
 * final exec the shell prints {@code ISOLA-ENTERED-<nonce> <pid>} on stdout, which the host strips.
 * Without it, nothing of the workload ran: zlogin could not enter (its status 1), or a step before
 * the exec failed and said {@code isola: <step>: <why>} on stderr with status {@link #SETUP_FAILED}.
 * With it, zlogin's status is the workload's.
 */
final class ZloginScript {
    static final String ZLOGIN = "/usr/sbin/zlogin";
    /** The status of a failed step before the workload's exec (also what the CLI returns when isola fails). */
    static final int SETUP_FAILED = 125;
    static final String MARKER_PREFIX = "ISOLA-ENTERED-";

    private ZloginScript() {
    }

    /**
     * @param s any string without NUL
     * @return it as one word for a POSIX shell: in single quotes, each {@code '} written {@code '\''}
     */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * @param zone the zone
     * @param ps the process
     * @param nonce a fresh random hex string for the entry marker
     * @param noNewPrivileges whether a non-root workload's limit set is lowered to {@code basic}
     * @return zlogin's argv
     */
    static List<String> argv(String zone, ProcessSpec ps, String nonce, boolean noNewPrivileges) {
        String inner = inner(ps, nonce, noNewPrivileges && !isRoot(ps.user()));
        String script;
        if (isRoot(ps.user())) {
            script = inner;
        } else {
            script = switchUser(ps.user(), inner);
        }
        return List.of(ZLOGIN, "-S", zone, script);
    }

    static boolean isRoot(UserSpec u) {
        return u == null || (u.name() == null && u.uid() == 0 && (u.gid() == 0 || u.gid() == -1)) || "root".equals(u.name());
    }

    /** The part that runs as the workload's user, ending in its exec. */
    static String inner(ProcessSpec ps, String nonce, boolean lowerLimitSet) {
        String prog = ps.argv().get(0);
        if (prog.startsWith("-") || prog.indexOf('=') >= 0) {
            // env(1) would take it for an option or a variable assignment
            throw new SpecValidationException("program \"" + prog + "\" starts with '-' or contains '=', which env(1) "
                    + "would not run as a program: give its path (./" + prog + ")");
        }
        StringBuilder s = new StringBuilder();
        s.append("cd ").append(quote(ps.cwd())).append(" || { echo ")
                .append(quote("isola: cwd: cannot change to directory " + ps.cwd())).append(" >&2; exit ").append(SETUP_FAILED).append("; }\n");
        s.append("umask ").append(String.format("%03o", ps.umask() == null ? 022 : ps.umask())).append('\n');
        for (Rlimit r : ps.rlimits()) {
            String[] u = ulimit(r);
            // soft first (lowering), then hard, then soft again (raising): the kernel refuses a soft limit above the hard one
            s.append("ulimit -S ").append(u[0]).append(' ').append(u[1]).append(" 2>/dev/null; ulimit -H ").append(u[0]).append(' ').append(u[2])
                    .append(" && ulimit -S ").append(u[0]).append(' ').append(u[1])
                    .append(" || { echo ").append(quote("isola: rlimit: cannot set " + r.type())).append(" >&2; exit ").append(SETUP_FAILED).append("; }\n");
        }
        if (lowerLimitSet) {
            // privileges(7): the limit set bounds what any later exec can give, setuid included; the
            // illumos counterpart of no_new_privs for a process that is not root
            s.append("/usr/bin/ppriv -s L=basic $$ || { echo ").append(quote("isola: privileges: cannot lower the limit set"))
                    .append(" >&2; exit ").append(SETUP_FAILED).append("; }\n");
        }
        s.append("printf '%s %s\\n' ").append(MARKER_PREFIX).append(nonce).append(" $$\n");
        s.append("exec /usr/bin/env -i");
        for (Map.Entry<String, String> e : ps.effectiveEnv().entrySet()) {
            s.append(' ').append(quote(e.getKey() + "=" + e.getValue()));
        }
        // env(1) execs the program with the new environment's PATH: no further shell parses or edits anything
        for (String a : ps.argv()) {
            s.append(' ').append(quote(a));
        }
        return s.append('\n').toString();
    }

    /**
     * Runs as root: finds the user in the zone, writes the inner script to a private file, gives it
     * to the user and runs it with su.
     */
    static String switchUser(UserSpec u, String inner) {
        if (!u.groups().isEmpty()) {
            throw new UnsupportedCapabilityException(Capability.SUPPLEMENTARY_GROUPS, SolarisZonesBackend.NAME,
                    "zlogin switches users with su, which takes the user's groups from the zone's /etc/group");
        }
        String who = u.name() != null ? u.name() : Integer.toString(u.uid());
        if (who.indexOf(':') >= 0 || who.indexOf('\n') >= 0) {
            throw new SpecValidationException("user \"" + who + "\" is not a user name");
        }
        StringBuilder s = new StringBuilder();
        s.append("e=$(/usr/bin/getent passwd ").append(quote(who)).append(") || { echo ")
                .append(quote("isola: user: no user " + who + " in the zone")).append(" >&2; exit ").append(SETUP_FAILED).append("; }\n");
        s.append("u=${e%%:*}\n");
        if (u.gid() >= 0) {
            s.append("g=$(echo \"$e\" | /usr/bin/cut -d: -f4)\n");
            s.append("[ \"$g\" = ").append(u.gid()).append(" ] || { echo ")
                    .append(quote("isola: user: the primary group of " + who + " in the zone is not " + u.gid()
                            + " (su gives a user their primary group)"))
                    .append(" >&2; exit ").append(SETUP_FAILED).append("; }\n");
        }
        s.append("f=$(/usr/bin/mktemp /tmp/isola.XXXXXX) || exit ").append(SETUP_FAILED).append('\n');
        s.append("printf '%s' ").append(quote("rm -f \"$0\"\n" + inner)).append(" > \"$f\" && /usr/bin/chown \"$u\" \"$f\" || exit ")
                .append(SETUP_FAILED).append('\n');
        s.append("exec /usr/bin/su \"$u\" -c \"/bin/sh $f\"\n");
        return s.toString();
    }

    /**
     * @param r an rlimit
     * @return ksh93's ulimit flag, soft and hard value in its units (seconds, counts, 512-byte
     *     blocks for -f/-c, KiB for -d/-s/-v), rounded down
     */
    static String[] ulimit(Rlimit r) {
        String flag;
        long unit;
        switch (r.type()) {
            case CPU -> { flag = "-t"; unit = 1; }
            case FSIZE -> { flag = "-f"; unit = 512; }
            case CORE -> { flag = "-c"; unit = 512; }
            case DATA -> { flag = "-d"; unit = 1024; }
            case STACK -> { flag = "-s"; unit = 1024; }
            case AS -> { flag = "-v"; unit = 1024; }
            case NOFILE -> { flag = "-n"; unit = 1; }
            default -> throw new UnsupportedCapabilityException(Capability.RLIMITS, SolarisZonesBackend.NAME,
                    "illumos has no RLIMIT_" + r.type() + "; use the zone's rctls (pids limit: zone.max-processes)");
        }
        return new String[] {flag, value(r.soft(), unit), value(r.hard(), unit)};
    }

    private static String value(long v, long unit) {
        return v == Rlimit.UNLIMITED ? "unlimited" : Long.toString(v / unit);
    }

    /**
     * @param line a line of stdout
     * @param nonce this exec's nonce
     * @return the workload's pid when the line is the marker, else -1
     */
    static long markerPid(String line, String nonce) {
        String p = MARKER_PREFIX + nonce + " ";
        if (!line.startsWith(p)) {
            return -1;
        }
        try {
            return Long.parseLong(line.substring(p.length()).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * @param stderr what zlogin and the script said before the marker
     * @return the failed step ({@code cwd}, {@code user}, {@code rlimit}, {@code privileges}), or
     *     {@code zlogin} when the zone could not be entered at all
     */
    static String failedStep(String stderr) {
        for (String l : stderr.split("\n")) {
            if (l.startsWith("isola: ")) {
                String rest = l.substring("isola: ".length());
                int colon = rest.indexOf(':');
                if (colon > 0) {
                    return rest.substring(0, colon);
                }
            }
        }
        return "zlogin";
    }

}
