// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.IsolationException;
import isola.spi.HostCommands;
import isola.spi.ProcessHostCommands;
import java.util.List;

/** Runs base-system tools through the api's {@link ProcessHostCommands}; a non-zero status becomes a NativeException. */
final class ProcessHostTools implements HostTools {
    private final HostCommands commands = new ProcessHostCommands();

    @Override
    public String run(List<String> argv, String stdin) {
        String tool = argv.get(0);
        String args = String.join(" ", argv.subList(1, argv.size()));
        HostCommands.Result r;
        try {
            r = commands.run(argv, stdin, HostCommands.DEFAULT_TIMEOUT);
        } catch (IsolationException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new NativeException(tool, "", FreeBsdErrno.EINTR, "interrupted");
            }
            throw new NativeException(tool, args, 0, e.getMessage());
        }
        if (r.exitCode() < 0) {
            throw new NativeException(tool, args, 0, "did not finish in " + HostCommands.DEFAULT_TIMEOUT.toSeconds() + " s");
        }
        if (!r.ok()) {
            throw new NativeException(tool, args, 0, "exit status " + r.exitCode() + ": " + r.stderr().strip());
        }
        return r.stdout();
    }
}
