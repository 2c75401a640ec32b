// SPDX-License-Identifier: Apache-2.0
/**
 * The FreeBSD jail backend: planning (jail parameters, mounts, network commands, rctl rules) and
 * the jail's lifecycle in plain Java above {@link isola.freebsd.JailNative}; the JNA binding is in
 * {@code isola.freebsd.natives}. Not API.
 */
package isola.freebsd;
