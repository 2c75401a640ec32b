// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import isola.api.ExitStatus;
import isola.api.IsolationException;
import isola.api.LinuxOptions;
import isola.api.SandboxSpec;

/**
 * Run by RootlessIT as an unprivileged uid: runs {@code sh -c ARG} in a default sandbox (or one
 * mapped to the caller itself with {@code --self}) and prints what it saw, then the status.
 */
public final class RootlessProbe {
    private RootlessProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean self = args[0].equals("--self");
        String script = self ? args[1] : args[0];
        SandboxSpec.Builder b = SandboxSpec.builder().hostname("rootless");
        if (self) {
            b.linux(new LinuxOptions(LinuxOptions.UserNamespace.AUTO, false, true, null));
        }
        try {
            var r = Sandboxes.run(b.build(), "sh", "-c", script);
            System.out.print(r.out());
            System.err.print(r.err());
            ExitStatus st = r.status();
            System.out.println("status=" + st.shellStatus());
        } catch (IsolationException e) {
            System.out.println("error=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
