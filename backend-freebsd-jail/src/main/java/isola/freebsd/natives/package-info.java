// SPDX-License-Identifier: Apache-2.0
/**
 * The only package of the FreeBSD backend that touches native code: the JNA binding of libc's
 * jail(2), rctl(2), nmount(2), sysctl(3) and kill(2), the iovec layout, and the dispatcher that
 * implements {@link isola.freebsd.JailNative}. Not API.
 */
package isola.freebsd.natives;
