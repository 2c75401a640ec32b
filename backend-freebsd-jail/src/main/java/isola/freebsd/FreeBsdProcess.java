// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.ExitStatus;
import isola.api.IsolatedProcess;
import isola.api.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A process in a jail: isola-jexec's pipes, and the EXIT record it sends with the workload's wait status. */
final class FreeBsdProcess implements IsolatedProcess {
    private final HelperLaunch.Started launch;
    private final JailNative n;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private volatile boolean timedOut;

    FreeBsdProcess(HelperLaunch.Started launch, JailNative n, Duration timeout) {
        this.launch = launch;
        this.n = n;
        Thread t = new Thread(this::awaitExit, "isola-jail-exit-" + launch.workloadPid());
        t.setDaemon(true);
        t.start();
        if (timeout != null) {
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
                if (!exit.isDone()) {
                    timedOut = true;
                    kill(Signal.KILL);
                }
            });
        }
    }

    private void awaitExit() {
        Integer ws = null;
        try {
            HelperProtocol.Status st = HelperLaunch.read(launch.channel());
            if (st != null && st.type() == HelperProtocol.ST_EXIT) {
                ws = st.value();
            }
        } catch (IOException e) {
            // the helper died (jail_remove SIGKILLs it with the workload): use its own status
        }
        if (ws == null) {
            int code;
            try {
                code = launch.process().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = 128 + 9;
            }
            ws = code > 128 ? code - 128 : code << 8;
        }
        try {
            launch.channel().close();
        } catch (IOException ignored) {
            // closing
        }
        ExitStatus s = ExitStatus.fromWaitStatus(ws, Duration.ofNanos(System.nanoTime() - startNanos));
        exit.complete(timedOut ? s.withTimedOut() : s);
    }

    @Override
    public long pid() {
        return launch.workloadPid();
    }

    @Override
    public OutputStream getOutputStream() {
        return launch.process().getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return launch.process().getInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return launch.process().getErrorStream();
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    @Override
    public void kill(Signal signal) {
        if (exit.isDone()) {
            return;
        }
        try {
            n.kill(launch.workloadPid(), signal.number());
        } catch (NativeException e) {
            // ESRCH: it has just ended
        }
    }

    /** Waits for the helper after the jail is gone (jail_remove killed what was left). */
    void reap() {
        try {
            if (!launch.process().waitFor(5, TimeUnit.SECONDS)) {
                launch.process().destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
