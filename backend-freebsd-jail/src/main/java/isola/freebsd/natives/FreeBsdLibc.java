// SPDX-License-Identifier: Apache-2.0
package isola.freebsd.natives;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;

/**
 * libc of FreeBSD 14.x/15.x (the syscall stubs live in libsys on 15.x, which libc links, so the
 * symbols resolve through libc). Direct mappings of the C prototypes; {@code size_t} is
 * {@link NativeLong} (LP64: 8 bytes on amd64 and aarch64, the only supported targets).
 */
interface FreeBsdLibc extends Library {
    /** {@code int jail_set(struct iovec *iov, u_int niov, int flags)} — jail(2). */
    int jail_set(Pointer iov, int niov, int flags) throws LastErrorException;

    /** {@code int jail_get(struct iovec *iov, u_int niov, int flags)} — jail(2). */
    int jail_get(Pointer iov, int niov, int flags) throws LastErrorException;

    /** {@code int jail_remove(int jid)} — jail(2). */
    int jail_remove(int jid) throws LastErrorException;

    /** {@code int rctl_add_rule(const char *in, size_t inlen, char *out, size_t outlen)} — rctl_add_rule(2). */
    int rctl_add_rule(byte[] in, NativeLong inlen, Pointer out, NativeLong outlen) throws LastErrorException;

    /** {@code int rctl_remove_rule(const char *in, size_t inlen, char *out, size_t outlen)} — rctl_add_rule(2). */
    int rctl_remove_rule(byte[] in, NativeLong inlen, Pointer out, NativeLong outlen) throws LastErrorException;

    /** {@code int rctl_get_racct(const char *in, size_t inlen, char *out, size_t outlen)} — rctl_add_rule(2). */
    int rctl_get_racct(byte[] in, NativeLong inlen, Pointer out, NativeLong outlen) throws LastErrorException;

    /** {@code int nmount(struct iovec *iov, u_int niov, int flags)} — nmount(2). */
    int nmount(Pointer iov, int niov, int flags) throws LastErrorException;

    /** {@code int unmount(const char *dir, int flags)} — unmount(2). */
    int unmount(String dir, int flags) throws LastErrorException;

    /** {@code int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, const void *newp, size_t newlen)} — sysctl(3). */
    int sysctlbyname(String name, Pointer oldp, NativeLongByReference oldlenp, Pointer newp, NativeLong newlen)
            throws LastErrorException;

    /** {@code int kill(pid_t pid, int sig)} — kill(2). */
    int kill(int pid, int sig) throws LastErrorException;

    /** {@code uid_t geteuid(void)} — getuid(2). */
    int geteuid();
}
