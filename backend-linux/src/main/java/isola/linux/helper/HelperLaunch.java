// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

import isola.api.HelperFailedException;
import isola.api.IsolationException;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One start of the helper: a private socket, the helper process with the caller's stdio, the
 * request, and the first status record (STARTED, or an ERROR that becomes an exception).
 */
public final class HelperLaunch {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private HelperLaunch() {
    }

    /**
     * What a successful launch returns.
     *
     * @param process the helper process (its stdio is the workload's)
     * @param channel the helper's channel: commands go out, the EXIT record comes in
     * @param initPid host pid of the sandbox's init
     * @param workloadPid host pid of the workload
     */
    public record Started(Process process, SocketChannel channel, long initPid, long workloadPid) {
    }

    /**
     * A status record from the helper.
     *
     * @param type ST_*
     * @param step failure step (for STARTED: the init's pid)
     * @param errno errno
     * @param value STARTED: workload pid; EXIT: wait status
     * @param detail what it was about
     */
    public record Status(int type, int step, int errno, int value, String detail) {
    }

    /**
     * @param helper the helper executable
     * @param socketDir private directory for the socket
     * @param request the encoded request
     * @param stdin the workload's stdin
     * @param stdout the workload's stdout
     * @param stderr the workload's stderr
     * @return the running launch
     * @throws HelperFailedException when the helper reports a setup failure
     */
    public static Started start(Path helper, Path socketDir, HelperRequest request, Redirect stdin, Redirect stdout,
            Redirect stderr) {
        return start(helper, socketDir, request, stdin, stdout, stderr, null);
    }

    /**
     * Like {@link #start(Path, Path, HelperRequest, Redirect, Redirect, Redirect)}, for a request with
     * {@link HelperProtocol#FLAG_HOLD}: once the namespaces exist and before the workload starts,
     * {@code whileHeld} gets the init's host pid; when it returns the workload is started, when it
     * throws the sandbox is torn down and the exception propagates.
     *
     * @param whileHeld what to do while the workload is held, or null for a request without the hold
     * @return the running launch
     */
    public static Started start(Path helper, Path socketDir, HelperRequest request, Redirect stdin, Redirect stdout,
            Redirect stderr, java.util.function.LongConsumer whileHeld) {
        return start(helper, socketDir, () -> request, false, stdin, stdout, stderr, whileHeld);
    }

    /** The largest request passed in the helper's environment (hex doubles it; one string may be 128 KiB). */
    static final int INLINE_MAX = 48 << 10;

    /**
     * Like {@link #start(Path, Path, HelperRequest, Redirect, Redirect, Redirect, java.util.function.LongConsumer)},
     * with the request made while the helper process starts: the JVM's fork and exec of the helper and
     * the request's layout (and whatever the caller reads to make it) overlap on a machine with more
     * than one CPU. Nothing runs in the sandbox before the request is sent, so what {@code request}
     * reads is read before the workload starts; when it throws, the helper is killed.
     *
     * <p>With {@code inline} (isola-spawn understands it; isola-jexec does not), a request of up to
     * {@link #INLINE_MAX} bytes is made first and passed in the helper's environment
     * ({@code ISOLA_REQUEST}, hex, wiped by the helper once read), so that the helper starts on it
     * at once instead of waiting for this side to accept its connection and write it: that round
     * trip is two wake-ups, dearer than the layout it would overlap, most of all on a machine
     * that was idle.
     *
     * @param request makes the request; called once, after the helper process has started (before,
     *     with {@code inline})
     * @param inline pass the request in the helper's environment when it is small enough
     */
    public static Started start(Path helper, Path socketDir, java.util.function.Supplier<HelperRequest> request,
            boolean inline, Redirect stdin, Redirect stdout, Redirect stderr, java.util.function.LongConsumer whileHeld) {
        Path sock = socketDir.resolve("s" + PID + "-" + COUNTER.incrementAndGet());
        Process process = null;
        SocketChannel ch = null;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock), 2);
            ProcessBuilder pb = new ProcessBuilder(helper.toString(), "1", sock.toString());
            pb.environment().clear();
            HelperRequest req = null;
            byte[] encoded = null;
            if (inline) {
                req = request.get();
                encoded = req.encode();
                if (encoded.length <= INLINE_MAX) {
                    pb.environment().put("ISOLA_REQUEST", java.util.HexFormat.of().formatHex(encoded));
                }
            }
            pb.redirectInput(stdin).redirectOutput(stdout).redirectError(stderr);
            process = pb.start();
            if (req == null) {
                req = request.get();
                encoded = req.encode();
            }
            ch = accept(server, process, sock);
            Files.deleteIfExists(sock);
            if (!pb.environment().containsKey("ISOLA_REQUEST")) {
                ByteBuffer out = ByteBuffer.wrap(encoded);
                while (out.hasRemaining()) {
                    ch.write(out);
                }
            }
            Status st = read(ch);
            if (st == null) {
                int code = process.waitFor();
                throw new IsolationException("the helper exited with status " + code + " without reporting");
            }
            if (st.type() == HelperProtocol.ST_CREATED && whileHeld != null) {
                whileHeld.accept(st.value());
                command(ch, HelperProtocol.CMD_START, 0);
                st = read(ch);
                if (st == null) {
                    int code = process.waitFor();
                    throw new IsolationException("the helper exited with status " + code + " without reporting");
                }
            }
            if (st.type() == HelperProtocol.ST_ERROR) {
                // the helper has undone its work and exits by itself; wait for it rather than kill it mid-cleanup
                process.waitFor();
                closeQuietly(ch);
                closeStreams(process);
                throw failure(st, req);
            }
            if (st.type() != HelperProtocol.ST_STARTED) {
                throw new IsolationException("the helper sent an unexpected record of type " + st.type());
            }
            return new Started(process, ch, st.step(), st.value());
        } catch (IOException e) {
            boolean exited = process != null && !process.isAlive();
            cleanup(process, ch);
            if (exited) {
                // it ended before it read the request (the channel says broken pipe): its status is the news
                throw new IsolationException("the helper exited with status " + process.exitValue() + " without reporting ("
                        + e.getMessage() + ")", e);
            }
            throw new IsolationException("cannot talk to the helper: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            cleanup(process, ch);
            Thread.currentThread().interrupt();
            throw new IsolationException("interrupted while starting the sandbox");
        } catch (RuntimeException e) {
            cleanup(process, ch);
            throw e;
        } finally {
            try {
                Files.deleteIfExists(sock);
            } catch (IOException ignored) {
                // the directory is private; a stale socket name is harmless
            }
        }
    }

    /**
     * Accepts the helper's connection. It connects first thing, but may be done before this side
     * gets here (a request in its environment and a workload that cannot be run: its ERROR record
     * waits in the connection), so its exit must not close the listening socket. If it dies before
     * connecting, its exit wakes the accept with a connection of our own, queued behind the
     * helper's if there is one: reading that one finds end of file, and the helper's exit status
     * is reported.
     */
    private static SocketChannel accept(ServerSocketChannel server, Process process, Path sock) throws IOException {
        java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
        process.onExit().thenRun(() -> {
            if (!taken.get()) {
                try (SocketChannel wake = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                    // connected: the accept returns
                } catch (IOException gone) {
                    // accepted and closed meanwhile
                }
            }
        });
        SocketChannel ch = server.accept();
        taken.set(true);
        return ch;
    }

    private static void cleanup(Process process, SocketChannel ch) {
        closeQuietly(ch);
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeStreams(process);
        }
    }

    /** @param p a process whose pipes to close */
    public static void closeStreams(Process p) {
        closeQuietly(p.getOutputStream());
        closeQuietly(p.getInputStream());
        closeQuietly(p.getErrorStream());
    }

    /** @param c something to close, or null */
    public static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort on cleanup paths
            }
        }
    }

    /**
     * Reads one status record.
     *
     * @param ch the channel
     * @return the record, or null at end of file
     * @throws IOException on a read error
     */
    public static Status read(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HelperProtocol.STATUS_SIZE).order(ByteOrder.nativeOrder());
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                return null;
            }
        }
        b.flip();
        int type = b.getInt();
        int step = b.getInt();
        int errno = b.getInt();
        int value = b.getInt();
        byte[] d = new byte[HelperProtocol.DETAIL_SIZE];
        b.get(d);
        int n = 0;
        while (n < d.length && d[n] != 0) {
            n++;
        }
        return new Status(type, step, errno, value, new String(d, 0, n, StandardCharsets.UTF_8));
    }

    /**
     * @param st an ERROR record
     * @param request the request, for the command name
     * @return the exception to throw
     */
    public static HelperFailedException failure(Status st, HelperRequest request) {
        String step = HelperProtocol.stepName(st.step());
        String name = Errno.name(st.errno());
        String why = Errno.describe(st.errno());
        String detail = st.detail();
        if (step.equals("exec")) {
            if (name.equals("ENOENT")) {
                why = "command not found in the sandbox";
            } else if (name.equals("EACCES")) {
                why = "permission denied: not executable in the sandbox";
            }
        } else if (step.equals("rlimit") && detail.startsWith("resource ")) {
            detail = isola.linux.ns.LinuxRlimits.name(Integer.parseInt(detail.substring(9).trim()));
            if (name.equals("EPERM")) {
                why = "cannot raise a hard limit above the current one without CAP_SYS_RESOURCE";
            }
        }
        String msg = step + " " + detail + ": " + name + " (" + why + ")";
        return new HelperFailedException(msg, step, st.errno(), name);
    }

    /**
     * Sends a command.
     *
     * @param ch the channel
     * @param command CMD_*
     * @param arg its argument
     * @throws IOException when the helper is gone
     */
    public static void command(SocketChannel ch, int command, int arg) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(command).putInt(arg);
        b.flip();
        synchronized (ch) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }
}
