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

    /** {@code int socket(int domain, int type, int protocol);} socket(2), netlink(7) */
    int socket(int domain, int type, int protocol);

    /** {@code ssize_t send(int sockfd, const void *buf, size_t len, int flags);} send(2) */
    long send(int fd, byte[] buf, long len, int flags);

    /** {@code ssize_t recv(int sockfd, void *buf, size_t len, int flags);} recv(2) */
    long recv(int fd, byte[] buf, long len, int flags);

    /** {@code int close(int fd);} close(2) */
    int close(int fd);
}
