// SPDX-License-Identifier: Apache-2.0
package isola.linux.natives;

import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One method per native call sequence, each checking its results and throwing {@link NativeException}. */
public final class LinuxDispatcher {
    private LinuxDispatcher() {
    }

    /**
     * Sends one rtnetlink request with NLM_F_ACK on a fresh NETLINK_ROUTE socket and reads the
     * kernel's answer. {@code int socket(int domain, int type, int protocol)} (socket(2), netlink(7));
     * {@code ssize_t send(int, const void *, size_t, int)}; {@code ssize_t recv(int, void *, size_t, int)}.
     *
     * @param message a complete netlink message (nlmsghdr first)
     * @param what what it is about, for errors
     * @throws NativeException when a call fails or the kernel answers with an error (its errno)
     */
    public static void rtnetlink(byte[] message, String what) throws NativeException {
        LinuxLibc c = LinuxLibc.Holder.INSTANCE;
        int fd = c.socket(LinuxLibc.AF_NETLINK, LinuxLibc.SOCK_RAW | LinuxLibc.SOCK_CLOEXEC, LinuxLibc.NETLINK_ROUTE);
        if (fd < 0) {
            throw new NativeException("socket(AF_NETLINK)", Native.getLastError(), what);
        }
        try {
            if (c.send(fd, message, message.length, 0) != message.length) {
                throw new NativeException("send", Native.getLastError(), what);
            }
            byte[] in = new byte[4096];
            long got = c.recv(fd, in, in.length, 0);
            if (got < 20) {
                throw new NativeException("recv", got < 0 ? Native.getLastError() : 0, what);
            }
            ByteBuffer r = ByteBuffer.wrap(in, 0, (int) got).order(ByteOrder.nativeOrder());
            // struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }, then struct nlmsgerr { int error; ... }
            if (r.getShort(4) != 2 /* NLMSG_ERROR */) {
                throw new NativeException("recv", 0, what + " (no acknowledgement)");
            }
            int error = r.getInt(16);
            if (error != 0) {
                throw new NativeException("rtnetlink", -error, what);
            }
        } finally {
            c.close(fd);
        }
    }
}
