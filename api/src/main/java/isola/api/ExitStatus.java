// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.time.Duration;

/**
 * How a sandboxed process ended.
 *
 * @param exitCode the exit code when the process exited normally, or -1 when a signal ended it
 * @param signal the number of the signal that ended it (this host's numbering), 0 when none
 * @param timedOut whether isola killed it because its {@link ProcessSpec#timeout()} expired
 * @param oomKilled whether the kernel killed it for exceeding its memory limit
 * @param pidsLimitHit whether it hit its process-count limit
 * @param wallTime the time from start to exit
 */
public record ExitStatus(int exitCode, int signal, boolean timedOut, boolean oomKilled,
        boolean pidsLimitHit, Duration wallTime) {

    /**
     * Decodes a POSIX wait status as {@code waitpid(2)} returns it.
     *
     * @param waitStatus the raw status
     * @param wallTime the time from start to exit
     * @return the status
     */
    public static ExitStatus fromWaitStatus(int waitStatus, Duration wallTime) {
        int termSig = waitStatus & 0x7f;
        if (termSig == 0) {
            return new ExitStatus((waitStatus >> 8) & 0xff, 0, false, false, false, wallTime);
        }
        return new ExitStatus(-1, termSig, false, false, false, wallTime);
    }

    /** @return the status as a shell reports it: the exit code, or 128 + the signal number */
    public int shellStatus() {
        return signal != 0 ? 128 + signal : exitCode;
    }

    /** @return whether the process exited normally with status 0 */
    public boolean success() {
        return signal == 0 && exitCode == 0;
    }

    /** @return a copy marked as ended by isola's timeout */
    public ExitStatus withTimedOut() {
        return new ExitStatus(exitCode, signal, true, oomKilled, pidsLimitHit, wallTime);
    }

    /**
     * @param oom whether the kernel killed it for memory
     * @param pids whether it hit its pids limit
     * @return a copy with the limit verdicts
     */
    public ExitStatus withVerdicts(boolean oom, boolean pids) {
        return new ExitStatus(exitCode, signal, timedOut, oom, pids, wallTime);
    }
}
