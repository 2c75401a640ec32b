// SPDX-License-Identifier: Apache-2.0
/** The Linux backend's only native bindings (JNA): the libc calls of an rtnetlink socket. Not API. */
package isola.linux.natives;
