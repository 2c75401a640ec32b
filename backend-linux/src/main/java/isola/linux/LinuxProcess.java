// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import isola.api.ExitStatus;
import isola.api.IsolatedProcess;
import isola.api.Signal;
import isola.linux.helper.HelperLaunch;
import isola.linux.helper.HelperProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** A process in a Linux sandbox: the helper's pipes, its channel, and the EXIT record it awaits. */
final class LinuxProcess implements IsolatedProcess {
    private static final ExecutorService READERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemon("isola-exit-reader"));
    private static final ScheduledExecutorService TIMERS = timers();

    private final HelperLaunch.Started launch;
    private final boolean keeper;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private volatile boolean timedOut;
    private volatile ScheduledFuture<?> timer;

    private final java.util.function.UnaryOperator<ExitStatus> verdict;

    LinuxProcess(HelperLaunch.Started launch, boolean keeper, Duration timeout, Runnable onTimeout,
            java.util.function.UnaryOperator<ExitStatus> verdict) {
        this.launch = launch;
        this.verdict = verdict;
        this.keeper = keeper;
        if (timeout != null) {
            Runnable action = onTimeout != null ? onTimeout : () -> kill(Signal.KILL);
            timer = TIMERS.schedule(() -> {
                if (!exit.isDone()) {
                    timedOut = true;
                    action.run();
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        READERS.execute(this::awaitExit);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static ScheduledExecutorService timers() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon("isola-timeout"));
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    private void awaitExit() {
        Integer waitStatus = null;
        try {
            HelperLaunch.Status st = HelperLaunch.read(launch.channel());
            if (st != null && st.type() == HelperProtocol.ST_EXIT) {
                waitStatus = st.value();
            }
        } catch (IOException e) {
            // the channel was closed (sandbox closed) or the helper died: fall back to its exit status
        }
        if (waitStatus == null) {
            int code;
            try {
                code = launch.process().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = 137;
            }
            // the helper exits with the workload's shell status; a helper killed outright reads as SIGKILL
            waitStatus = code > 128 ? code - 128 : code << 8;
        }
        if (!keeper) {
            HelperLaunch.closeQuietly(launch.channel());
        }
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        ExitStatus s = ExitStatus.fromWaitStatus(waitStatus, Duration.ofNanos(System.nanoTime() - startNanos));
        s = verdict.apply(s);
        exit.complete(timedOut ? s.withTimedOut() : s);
    }

    SocketChannel channel() {
        return launch.channel();
    }

    Process helper() {
        return launch.process();
    }

    long initPid() {
        return launch.initPid();
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
            HelperLaunch.command(launch.channel(), HelperProtocol.CMD_SIGNAL_MAIN, signal.number());
        } catch (IOException e) {
            // the helper is gone, so is the process
        }
    }

    /**
     * Kills what remains and waits for the helper to be gone; closes the pipes. The helper's end of
     * the channel closes only when it exits, after it has reaped the sandbox's init (whose PID
     * namespace takes every other process of the sandbox with it), so end of file there is the
     * earliest sure sign that nothing of the sandbox runs any more. Waiting for the JVM to reap the
     * helper instead cost a hand-off through its process reaper thread (0.3 ms a sandbox here); the
     * reaper still collects the helper's exit status afterwards.
     */
    /** Tells the helper to kill what remains (it reads end of file), without waiting. */
    void beginDestroy() {
        try {
            launch.channel().shutdownOutput();
        } catch (IOException e) {
            // closed already: destroy finds out
        }
    }

    void destroy() {
        SocketChannel ch = launch.channel();
        Process p = launch.process();
        ScheduledFuture<?> watchdog = TIMERS.schedule(p::destroyForcibly, 5, TimeUnit.SECONDS);
        boolean gone = false;
        try {
            ch.shutdownOutput(); // the helper reads end of file: it kills what is left, reports, exits
            exit.get();
            gone = keeper && drainToEnd(ch);
        } catch (IOException | java.util.concurrent.ExecutionException e) {
            // the channel is closed already (a later process's reader closes it after EXIT): wait for the helper
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            watchdog.cancel(false);
            HelperLaunch.closeQuietly(ch);
        }
        if (!gone) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        exit.join();
        HelperLaunch.closeStreams(p);
    }

    /** Reads what the helper still sends until it closes its end; true at end of file. */
    private static boolean drainToEnd(SocketChannel ch) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(HelperProtocol.STATUS_SIZE);
        for (;;) {
            b.clear();
            if (ch.read(b) < 0) {
                return true;
            }
        }
    }
}
