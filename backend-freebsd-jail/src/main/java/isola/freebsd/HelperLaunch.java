// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.HelperFailedException;
import isola.api.IsolationException;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts isola-jexec with ProcessBuilder and talks to it over an AF_UNIX socket in a 0700
 * directory: sends the request, then reads STARTED (the workload's pid) or one ERROR record, and
 * later EXIT (its wait status). The JVM itself never calls jail_attach.
 */
final class HelperLaunch {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final long CONNECT_TIMEOUT_NANOS = 10_000_000_000L;

    /**
     * A running helper.
     *
     * @param process the helper (the workload's supervisor inside the jail)
     * @param channel its status channel
     * @param workloadPid the workload's host pid
     */
    record Started(Process process, SocketChannel channel, long workloadPid) {
    }

    private HelperLaunch() {
    }

    static Started start(Path helper, Path sockDir, byte[] request, Redirect in, Redirect out, Redirect err) {
        Path sock = sockDir.resolve("j" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
        Process p = null;
        SocketChannel ch = null;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            server.configureBlocking(false);
            p = new ProcessBuilder(List.of(helper.toString(), Integer.toString(HelperProtocol.VERSION), sock.toString()))
                    .redirectInput(in).redirectOutput(out).redirectError(err).start();
            long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
            while ((ch = server.accept()) == null) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IsolationException("isola-jexec did not connect (" + (p.isAlive() ? "timed out" : "exit status "
                            + p.exitValue()) + ")");
                }
                Thread.sleep(1);
            }
            ch.configureBlocking(true);
            ch.write(ByteBuffer.wrap(request));
            HelperProtocol.Status st = read(ch);
            if (st == null) {
                p.waitFor();
                throw new IsolationException("isola-jexec ended before starting the workload (exit status " + p.exitValue() + ")");
            }
            if (st.type() == HelperProtocol.ST_ERROR) {
                p.waitFor();
                String step = HelperProtocol.stepName(st.step());
                String en = FreeBsdErrno.name(st.errno());
                throw new HelperFailedException(step + (st.detail().isEmpty() ? "" : " " + st.detail()) + ": " + en + " ("
                        + FreeBsdErrno.describe(st.errno()) + ")", step, st.errno(), en);
            }
            return new Started(p, ch, st.value());
        } catch (IOException e) {
            cleanup(p, ch);
            throw new IsolationException("cannot start isola-jexec " + helper + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cleanup(p, ch);
            throw new IsolationException("interrupted while starting isola-jexec");
        } catch (RuntimeException e) {
            cleanup(p, ch);
            throw e;
        } finally {
            try {
                Files.deleteIfExists(sock);
            } catch (IOException ignored) {
                // swept with the directory
            }
        }
    }

    private static void cleanup(Process p, SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }

    /** @param ch the channel @return the next record, or null at EOF */
    static HelperProtocol.Status read(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HelperProtocol.STATUS_SIZE);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                return null;
            }
        }
        return HelperProtocol.Status.parse(b.array());
    }
}
