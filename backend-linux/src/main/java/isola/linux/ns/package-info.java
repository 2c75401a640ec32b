// SPDX-License-Identifier: Apache-2.0
/** Pure-Java planning of namespaces, mounts, users and privileges for the Linux helper. Not API. */
package isola.linux.ns;
