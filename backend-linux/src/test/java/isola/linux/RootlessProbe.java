// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import isola.api.ExitStatus;
import isola.api.IsolationException;
import isola.api.LinuxOptions;
import isola.api.SandboxSpec;

/**
 * Run by RootlessIT as an unprivileged uid: runs {@code sh -c ARG} in a default sandbox (or one
 * mapped to the caller itself with {@code --self}, or limited with {@code --limits MEMORY PIDS}) and
 * prints what it saw, then the status (and the limit verdicts).
 */
public final class RootlessProbe {
    private RootlessProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean self = args[0].equals("--self");
        boolean limited = args[0].equals("--limits");
        String script = args[args.length - 1];
        SandboxSpec.Builder b = SandboxSpec.builder().hostname("rootless");
        if (self) {
            b.linux(new LinuxOptions(LinuxOptions.UserNamespace.AUTO, false, true, null));
        }
        if (limited) {
            b.limits(new isola.api.Limits(Long.parseLong(args[1]), null, null, null, null, null, Long.parseLong(args[2]),
                    null, java.util.List.of()));
        }
        try {
            var r = Sandboxes.run(b.build(), "sh", "-c", script);
            System.out.print(r.out());
            System.err.print(r.err());
            ExitStatus st = r.status();
            System.out.println("status=" + st.shellStatus());
            if (limited) {
                System.out.println("oom=" + st.oomKilled() + " pids=" + st.pidsLimitHit());
            }
        } catch (IsolationException e) {
            System.out.println("error=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
