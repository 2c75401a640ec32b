// SPDX-License-Identifier: Apache-2.0
package isola.linux.natives;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The libc calls isola's Java side makes itself: those of a netlink socket. */
interface LinuxLibc extends Library {
    /** Loaded on first use, never on class loading of the backend. */
    final class Holder {
        static final LinuxLibc INSTANCE = Native.load("c", LinuxLibc.class);

        private Holder() {
        }
    }

    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_ROUTE = 0;

    int socket(int domain, int type, int protocol);

    long send(int fd, byte[] buf, long len, int flags);

    long recv(int fd, byte[] buf, long len, int flags);

    int close(int fd);
}
