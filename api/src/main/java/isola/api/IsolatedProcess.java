// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A process running in a sandbox; used like {@link java.lang.Process}. */
public interface IsolatedProcess {
    /** @return the process's host pid, as the host's tools show it */
    long pid();

    /** @return the pipe to its stdin (a null stream unless stdin is {@code PIPE}) */
    OutputStream getOutputStream();

    /** @return the pipe from its stdout (empty unless stdout is {@code PIPE}) */
    InputStream getInputStream();

    /** @return the pipe from its stderr (empty unless stderr is {@code PIPE}) */
    InputStream getErrorStream();

    /** @return completes with the exit status when the process has ended */
    CompletableFuture<ExitStatus> onExit();

    /**
     * @return the exit status, waiting for the end
     * @throws InterruptedException when interrupted while waiting
     */
    default ExitStatus waitFor() throws InterruptedException {
        try {
            return onExit().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IsolationException("waiting for the process failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * @param timeout how long to wait
     * @return whether it ended in that time
     * @throws InterruptedException when interrupted while waiting
     */
    default boolean waitFor(Duration timeout) throws InterruptedException {
        try {
            onExit().get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    /** @return the exit status if it has ended */
    default Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(onExit().getNow(null));
    }

    /** @return whether it still runs */
    default boolean isAlive() {
        return !onExit().isDone();
    }

    /**
     * Sends a signal to this process.
     *
     * @param signal the signal
     */
    void kill(Signal signal);
}
