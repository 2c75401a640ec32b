// SPDX-License-Identifier: Apache-2.0
package isola.spi;

import java.time.Duration;
import java.util.List;

/**
 * Runs the host's administration tools, for what has no stable system call (FreeBSD's ifconfig,
 * pfctl, zfs; illumos' zonecfg, zoneadm, dladm, ipnat). Backends take it as a constructor argument
 * so their tests can record the command lines with a fake; {@link ProcessHostCommands} is the real one.
 */
public interface HostCommands {
    /** How long a tool may run unless the caller says otherwise. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Runs a tool and waits for it.
     *
     * @param argv the command, the tool by absolute path; never interpreted by a shell
     * @param stdin what to write to its stdin, or null for {@code /dev/null}
     * @param timeout how long it may run; then it is killed and the result says so
     * @return its status and output; a non-zero status is a result, not an exception
     * @throws isola.api.IsolationException when the tool cannot be started at all
     */
    Result run(List<String> argv, String stdin, Duration timeout);

    /** @param argv the command @return its result, within {@link #DEFAULT_TIMEOUT} */
    default Result run(String... argv) {
        return run(List.of(argv), null, DEFAULT_TIMEOUT);
    }

    /**
     * A finished tool.
     *
     * @param argv what ran
     * @param exitCode its exit status, -1 when it was killed for taking too long
     * @param stdout its standard output
     * @param stderr its standard error
     */
    record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        /** Copies. */
        public Result {
            argv = List.copyOf(argv);
        }

        /** @return whether it exited 0 */
        public boolean ok() {
            return exitCode == 0;
        }

        /** @return "TOOL ARGS: exit status N: STDERR", for error messages */
        public String describe() {
            String err = stderr.strip().isEmpty() ? stdout.strip() : stderr.strip();
            return String.join(" ", argv) + ": " + (exitCode < 0 ? "timed out" : "exit status " + exitCode)
                    + (err.isEmpty() ? "" : ": " + err);
        }
    }
}
