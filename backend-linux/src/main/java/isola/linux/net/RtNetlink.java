// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import isola.api.IsolationException;
import isola.linux.helper.Errno;
import isola.linux.natives.LinuxDispatcher;
import isola.linux.natives.NativeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The rtnetlink requests of bridge mode (rtnetlink(7), linux/if_link.h, linux/veth.h), laid out in
 * Java: one RTM_NEWLINK creates a sandbox's veth pair with its peer already in the sandbox's
 * network namespace, enslaved to the bridge and up; RTM_DELLINK deletes a pair. One message each,
 * atomic in the kernel: a refused request creates nothing.
 */
public final class RtNetlink {
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_DELLINK = 17;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_ACK = 0x4;
    private static final int NLM_F_EXCL = 0x200;
    private static final int NLM_F_CREATE = 0x400;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MASTER = 10;
    private static final int IFLA_LINKINFO = 18;
    private static final int IFLA_NET_NS_PID = 19;
    private static final int IFLA_INFO_KIND = 1;
    private static final int IFLA_INFO_DATA = 2;
    private static final int VETH_INFO_PEER = 1;
    private static final int IFF_UP = 1;

    private RtNetlink() {
    }

    /**
     * @param name the host end
     * @param peer the sandbox end's name
     * @param pid a process in the sandbox's network namespace
     * @param bridge the bridge to enslave the host end to
     * @return the RTM_NEWLINK message
     */
    public static byte[] newVeth(String name, String peer, long pid, String bridge) {
        ByteBuffer p = buf();
        ifinfo(p, 0);
        attr(p, IFLA_IFNAME, str(peer));
        attr(p, IFLA_NET_NS_PID, u32((int) pid));
        ByteBuffer data = buf();
        attr(data, VETH_INFO_PEER, bytes(p));
        ByteBuffer info = buf();
        attr(info, IFLA_INFO_KIND, str("veth"));
        attr(info, IFLA_INFO_DATA, bytes(data));
        ByteBuffer body = buf();
        ifinfo(body, IFF_UP);
        attr(body, IFLA_IFNAME, str(name));
        attr(body, IFLA_MASTER, u32(ifindex(bridge)));
        attr(body, IFLA_LINKINFO, bytes(info));
        return message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, body);
    }

    /**
     * @param name an interface
     * @return the RTM_DELLINK message
     */
    public static byte[] delLink(String name) {
        ByteBuffer body = buf();
        ifinfo(body, 0);
        attr(body, IFLA_IFNAME, str(name));
        return message(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, body);
    }

    /**
     * Sends a request and turns a refusal into an exception.
     *
     * @param message the request
     * @param what what it does, for the message
     */
    public static void send(byte[] message, String what) {
        try {
            LinuxDispatcher.rtnetlink(message, what);
        } catch (NativeException e) {
            throw new IsolationException("failed to " + what + ": " + e.call() + ": " + Errno.name(e.errno()) + " ("
                    + Errno.describe(e.errno()) + ")");
        }
    }

    private static int ifindex(String name) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", name, "ifindex")).strip());
        } catch (IOException | NumberFormatException e) {
            throw new IsolationException("bridge " + name + " is gone: " + e.getMessage());
        }
    }

    private static byte[] message(int type, int flags, ByteBuffer body) {
        ByteBuffer m = ByteBuffer.allocate(16 + body.position()).order(ByteOrder.nativeOrder());
        m.putInt(16 + body.position()).putShort((short) type).putShort((short) flags).putInt(1).putInt(0);
        m.put(body.array(), 0, body.position());
        return m.array();
    }

    private static ByteBuffer buf() {
        return ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    }

    private static byte[] bytes(ByteBuffer b) {
        return Arrays.copyOf(b.array(), b.position());
    }

    /** struct ifinfomsg { u8 family; u8 pad; u16 type; i32 index; u32 flags; u32 change; } */
    private static void ifinfo(ByteBuffer b, int flags) {
        b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(0).putInt(flags).putInt(flags);
    }

    /** struct rtattr { u16 len; u16 type; } then the data, padded to 4 bytes. */
    private static void attr(ByteBuffer b, int type, byte[] data) {
        b.putShort((short) (4 + data.length)).putShort((short) type).put(data);
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
    }

    private static byte[] str(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }
}
