// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.ExitStatus;
import isola.api.HelperFailedException;
import isola.api.IsolatedProcess;
import isola.api.IsolationException;
import isola.api.ProcessSpec;
import isola.api.Signal;
import isola.spi.HostCommands;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A process in a zone: a local {@code zlogin} whose stdout starts with {@link ZloginScript}'s entry
 * marker. {@link #start} returns only once the marker came, so a zone that could not be entered is
 * an exception ({@link HelperFailedException}, step {@code zlogin} or the script's step), never an
 * exit status; after it, zlogin's status is the workload's.
 */
final class ZoneProcess implements IsolatedProcess {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_NOISE = 64 * 1024;

    private final Process zlogin;
    private final long pid;
    private final InputStream stdout;
    private final InputStream stderr;
    private final HostCommands host;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final List<Thread> pumps = new ArrayList<>();
    private volatile boolean timedOut;

    private ZoneProcess(Process zlogin, long pid, InputStream stdout, ProcessSpec ps, HostCommands host) {
        this.zlogin = zlogin;
        this.pid = pid;
        this.host = host;
        this.stdout = ps.stdout() == Redirect.PIPE ? stdout : pump("stdout", stdout, ps.stdout(), FileDescriptor.out);
        this.stderr = ps.stderr() == Redirect.PIPE ? zlogin.getErrorStream()
                : pump("stderr", zlogin.getErrorStream(), ps.stderr(), FileDescriptor.err);
        Thread t = new Thread(this::awaitExit, "isola-zone-exit-" + pid);
        t.setDaemon(true);
        t.start();
        if (ps.timeout() != null) {
            CompletableFuture.delayedExecutor(ps.timeout().toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
                if (!exit.isDone()) {
                    timedOut = true;
                    kill(Signal.KILL);
                }
            });
        }
    }

    /**
     * Starts zlogin and waits for the entry marker.
     *
     * @param zlogin the zlogin binary
     * @param zone the zone
     * @param ps the process
     * @param noNewPrivileges whether the spec asks for no new privileges
     * @param host for kill(1)
     * @return the running process
     * @throws HelperFailedException when the zone could not be entered or a step before the exec failed
     */
    static ZoneProcess start(String zlogin, String zone, ProcessSpec ps, boolean noNewPrivileges, HostCommands host) {
        byte[] n = new byte[16];
        RANDOM.nextBytes(n);
        String nonce = HexFormat.of().formatHex(n);
        List<String> argv = new ArrayList<>(ZloginScript.argv(zone, ps, nonce, noNewPrivileges));
        argv.set(0, zlogin);
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectInput(ps.stdin()).redirectOutput(Redirect.PIPE).redirectError(Redirect.PIPE).start();
        } catch (IOException e) {
            throw new HelperFailedException("cannot run " + zlogin + " for zone " + zone + ": " + e.getMessage(), "zlogin", 0, "");
        }
        InputStream out = p.getInputStream();
        long pid = awaitMarker(out, nonce);
        if (pid < 0) {
            String err;
            int status;
            try {
                err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                status = p.waitFor();
            } catch (IOException e) {
                err = e.toString();
                status = -1;
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IsolationException("interrupted while entering zone " + zone, e);
            }
            String step = ZloginScript.failedStep(err);
            String what = step.equals("zlogin") ? "could not enter zone " + zone + " (zlogin exit status " + status + ")"
                    : "could not start the process in zone " + zone;
            throw new HelperFailedException(what + (err.isEmpty() ? "" : ": " + err), step, 0, "");
        }
        return new ZoneProcess(p, pid, out, ps, host);
    }

    /** @return the pid in the marker line, -1 at end of stream without it; lines before it are dropped */
    private static long awaitMarker(InputStream in, String nonce) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int seen = 0;
        try {
            for (int b = in.read(); b >= 0 && seen < MAX_NOISE; b = in.read(), seen++) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                long pid = ZloginScript.markerPid(line.toString(StandardCharsets.UTF_8), nonce);
                if (pid > 0) {
                    return pid;
                }
                line.reset();
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private InputStream pump(String name, InputStream from, Redirect to, FileDescriptor inherit) {
        Thread t = new Thread(() -> {
            try (InputStream in = from; OutputStream o = open(to, inherit)) {
                in.transferTo(o);
            } catch (IOException e) {
                // the reader or the file went away; the exit status is what matters
            }
        }, "isola-zone-" + name + "-" + pid);
        t.setDaemon(true);
        t.start();
        pumps.add(t);
        return InputStream.nullInputStream();
    }

    private static OutputStream open(Redirect to, FileDescriptor inherit) throws IOException {
        if (to.type() == Redirect.Type.INHERIT) {
            return new FileOutputStream(inherit) {
                @Override
                public void close() throws IOException {
                    flush(); // never close the JVM's own fd 1 or 2
                }
            };
        }
        File f = to.file();
        return new FileOutputStream(f, to.type() == Redirect.Type.APPEND);
    }

    private void awaitExit() {
        int code;
        try {
            code = zlogin.waitFor();
            for (Thread t : pumps) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 128 + 9;
        }
        // zlogin(1) returns the remote command's status; a signal death shows as 128+n from the shell's view
        ExitStatus s = code > 128 && code < 128 + 65 && timedOut
                ? new ExitStatus(-1, code - 128, false, false, false, Duration.ofNanos(System.nanoTime() - startNanos))
                : new ExitStatus(code, 0, false, false, false, Duration.ofNanos(System.nanoTime() - startNanos));
        exit.complete(timedOut ? s.withTimedOut() : s);
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public OutputStream getOutputStream() {
        return zlogin.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    /** Signals the workload by its pid, which the global zone shares (pids are global on illumos). */
    @Override
    public void kill(Signal signal) {
        if (exit.isDone()) {
            return;
        }
        // kill(1) fails when it has just ended: nothing to do then
        host.run("/usr/bin/kill", "-" + signal.number(), Long.toString(pid));
    }

    /** Waits a little for zlogin after the zone was halted (halt kills what was left). */
    void reap() {
        try {
            if (!zlogin.waitFor(5, TimeUnit.SECONDS)) {
                zlogin.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
