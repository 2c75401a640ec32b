// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The real helper binary refuses what is not a well-formed request, and says why. */
@EnabledOnOs(OS.LINUX)
class HelperBadRequestTest {
    private static final Path HELPER = Path.of("target/classes/isola/linux/helper/isola-spawn-" + System.getProperty("os.arch"));

    @TempDir
    Path dir;

    @Test
    void runDirectlyItSaysItIsNotMeantToBeAndExits2() throws Exception {
        for (String[] args : new String[][] {{}, {"2", "/tmp/x"}, {"1"}, {"1", dir.resolve("nothing").toString()}}) {
            String[] cmd = new String[args.length + 1];
            cmd[0] = HELPER.toString();
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.waitFor());
            assertEquals("isola-spawn is isola's internal launcher and is not meant to be run directly\n", out);
        }
    }

    @Test
    void truncatedHeader() throws Exception {
        assertError(new byte[] {1, 2, 3}, "request", "truncated request header");
    }

    @Test
    void wrongVersion() throws Exception {
        assertError(header(HelperProtocol.MAGIC, 99, 0), "request", "wrong magic or protocol version");
    }

    @Test
    void truncatedBody() throws Exception {
        assertError(header(HelperProtocol.MAGIC, 1, 100), "request", "truncated request body");
    }

    @Test
    void recordLongerThanTheBody() throws Exception {
        ByteBuffer b = le(12 + 8).putInt(HelperProtocol.MAGIC).putInt(1).putInt(8);
        b.putShort((short) HelperProtocol.TAG_ARG).putShort((short) 0).putInt(50);
        assertError(b.array(), "request", "record 7 at offset 0 claims 50 bytes but 0 remain");
    }

    @Test
    void unknownTag() throws Exception {
        ByteBuffer b = le(12 + 8).putInt(HelperProtocol.MAGIC).putInt(1).putInt(8);
        b.putShort((short) 999).putShort((short) 0).putInt(0);
        assertError(b.array(), "request", "unknown record tag 999");
    }

    @Test
    void stringWithoutItsNul() throws Exception {
        ByteBuffer b = le(12 + 10).putInt(HelperProtocol.MAGIC).putInt(1).putInt(10);
        b.putShort((short) HelperProtocol.TAG_ARG).putShort((short) 0).putInt(2).put((byte) 's').put((byte) 'h');
        assertError(b.array(), "request", "bad argument string");
    }

    @Test
    void noCommand() throws Exception {
        assertError(new HelperRequest().mode(HelperProtocol.MODE_INIT).encode(), "request", "no command to run");
    }

    @Test
    void sharedNetworkWithoutANewNetworkNamespace() throws Exception {
        assertError(new HelperRequest().mode(HelperProtocol.MODE_INIT).cloneFlags(HelperProtocol.CLONE_NEWNET)
                .netJoinPid(1).arg("true").encode(), "request",
                "a shared network namespace is for init mode without a new network namespace");
    }

    @Test
    void sharedNetworkWithoutANewUserNamespace() throws Exception {
        assertError(new HelperRequest().mode(HelperProtocol.MODE_INIT).cloneFlags(HelperProtocol.CLONE_NEWUSER)
                .netJoinPid(1).arg("true").encode(), "request",
                "a shared network namespace comes with its user namespace: no new one");
    }

    @Test
    void sharedNetworkOfPidZero() throws Exception {
        assertError(new HelperRequest().mode(HelperProtocol.MODE_INIT).netJoinPid(0).arg("true").encode(), "request",
                "network join pid is 0");
    }

    @Test
    void aNetworkAddressNeedsANewNetworkNamespaceAndTheHold() throws Exception {
        byte[] a = {10, 88, 0, 2};
        byte[] gw = {10, 88, 0, 1};
        assertError(new HelperRequest().mode(HelperProtocol.MODE_INIT).cloneFlags(HelperProtocol.CLONE_NEWNET)
                .netAddress(a, 16, gw).arg("true").encode(), "request", "a network address needs a new network namespace and the hold");
        assertError(new HelperRequest().mode(HelperProtocol.MODE_INIT).flags(HelperProtocol.FLAG_HOLD)
                .netAddress(a, 16, gw).arg("true").encode(), "request", "a network address needs a new network namespace and the hold");
        assertError(new HelperRequest().mode(HelperProtocol.MODE_INIT).cloneFlags(HelperProtocol.CLONE_NEWNET)
                .flags(HelperProtocol.FLAG_HOLD).netAddress(a, 33, gw).arg("true").encode(), "request",
                "network address family 2 prefix 33");
    }

    @Test
    void onlyInitModeHolds() throws Exception {
        assertError(new HelperRequest().mode(HelperProtocol.MODE_JOIN).joinPid(1).flags(HelperProtocol.FLAG_HOLD)
                .arg("true").encode(), "request", "only init mode can hold its workload");
    }

    @Test
    void joinWithoutPid() throws Exception {
        assertError(new HelperRequest().mode(HelperProtocol.MODE_JOIN).arg("true").encode(), "request",
                "join mode without the pid to join");
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.nativeOrder());
    }

    private static byte[] header(int magic, int version, int len) {
        return le(12).putInt(magic).putInt(version).putInt(len).array();
    }

    @Test
    void anInlineRequestThatIsNotLowerCaseHex() throws Exception {
        assertInlineError("49534f4zz", "request", "malformed inline request");
        assertInlineError("49534f4", "request", "malformed inline request");
        assertInlineError("49534F4C", "request", "malformed inline request");
    }

    @Test
    void anInlineRequestWithBytesAfterItsBody() throws Exception {
        byte[] ok = new HelperRequest().mode(HelperProtocol.MODE_INIT).encode();
        assertInlineError(java.util.HexFormat.of().formatHex(ok) + "00", "request", "malformed inline request");
    }

    @Test
    void aHelperThatExitsWithoutConnectingIsReportedNotAwaited() {
        // /bin/true in the helper's place: it never connects, and the launch must not wait for it forever
        HelperRequest req = new HelperRequest().mode(HelperProtocol.MODE_INIT).arg("true");
        for (boolean inline : new boolean[] {false, true}) {
            var e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(isola.api.IsolationException.class,
                            () -> HelperLaunch.start(Path.of("/bin/true"), dir, () -> req, inline,
                                    ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.DISCARD,
                                    ProcessBuilder.Redirect.DISCARD, null)));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("exited with status 0"), e.getMessage());
        }
    }

    /** Sends the request over the channel, and again in the environment: the same refusal either way. */
    private void assertError(byte[] request, String step, String detail) throws IOException, InterruptedException {
        assertError(request, null, step, detail);
        assertInlineError(java.util.HexFormat.of().formatHex(request), step, detail);
    }

    private void assertInlineError(String hex, String step, String detail) throws IOException, InterruptedException {
        assertError(null, hex, step, detail);
    }

    private void assertError(byte[] request, String inline, String step, String detail) throws IOException, InterruptedException {
        Path sock = dir.resolve("s" + System.nanoTime());
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            ProcessBuilder pb = new ProcessBuilder(HELPER.toString(), "1", sock.toString());
            if (inline != null) {
                pb.environment().put("ISOLA_REQUEST", inline);
            }
            Process p = pb.start();
            try (SocketChannel ch = server.accept()) {
                if (request != null) {
                    ch.write(ByteBuffer.wrap(request));
                }
                ch.shutdownOutput();
                HelperLaunch.Status st = HelperLaunch.read(ch);
                assertNotNull(st, "an error record");
                assertEquals(HelperProtocol.ST_ERROR, st.type());
                assertEquals(step, HelperProtocol.stepName(st.step()));
                assertEquals(detail, st.detail());
            }
            p.waitFor(10, TimeUnit.SECONDS);
            assertEquals(125, p.exitValue(), "the helper's own failure status");
        }
    }
}
