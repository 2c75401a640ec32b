// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import isola.api.ExitStatus;
import isola.api.SandboxStats;
import isola.api.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What {@code isola run --status-file} records: how the command ended, or why isola failed. Unlike
 * the exit status it is never ambiguous: a field is null when it does not apply.
 *
 * @param exitCode the command's exit code, null when a signal ended it or it never ran
 * @param signal the number of the signal that ended it, null when none
 * @param signalName that signal's name such as {@code SIGKILL}, null when none or not portable
 * @param timedOut whether isola killed it after {@code --timeout}
 * @param oomKilled whether the kernel killed it for exceeding its memory limit
 * @param pidsLimitHit whether it hit its process limit
 * @param wallTimeMs its run time in milliseconds, null when it never ran
 * @param error isola's own failure message, null when none
 * @param stats the sandbox's resource usage when the command ended, as {@link SandboxStats} (a field is
 *     null when the backend does not account it); null when the command never ran
 */
@JsonPropertyOrder({"exitCode", "signal", "signalName", "timedOut", "oomKilled", "pidsLimitHit", "wallTimeMs", "error",
    "stats"})
record RunStatus(Integer exitCode, Integer signal, String signalName, boolean timedOut, boolean oomKilled,
        boolean pidsLimitHit, Long wallTimeMs, String error, SandboxStats stats) {

    /**
     * @param s how the command ended
     * @return its status, with no error
     */
    static RunStatus of(ExitStatus s) {
        boolean signalled = s.signal() != 0;
        Signal sig = signalled ? Signal.byNumber(s.signal()) : null;
        return new RunStatus(signalled ? null : s.exitCode(), signalled ? s.signal() : null,
                sig == null ? null : "SIG" + sig.name(), s.timedOut(), s.oomKilled(), s.pidsLimitHit(),
                s.wallTime() == null ? null : s.wallTime().toMillis(), null, null);
    }

    /**
     * @param error why isola failed
     * @return the status of a command that never ran
     */
    static RunStatus failed(String error) {
        return new RunStatus(null, null, null, false, false, false, null, error, null);
    }

    /**
     * @param message a failure after the command ended (such as cleaning up)
     * @return a copy with the error set
     */
    RunStatus withError(String message) {
        return new RunStatus(exitCode, signal, signalName, timedOut, oomKilled, pidsLimitHit, wallTimeMs, message, stats);
    }

    /**
     * @param usage the sandbox's resource usage
     * @return a copy with it
     */
    RunStatus withStats(SandboxStats usage) {
        return new RunStatus(exitCode, signal, signalName, timedOut, oomKilled, pidsLimitHit, wallTimeMs, error, usage);
    }

    /**
     * Writes the status as JSON, atomically: a reader sees the old file or the whole new one.
     *
     * @param file where to
     * @throws IOException when writing fails
     */
    void write(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, Json.mapper().writeValueAsBytes(this));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
