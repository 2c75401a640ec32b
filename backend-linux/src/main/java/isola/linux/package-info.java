// SPDX-License-Identifier: Apache-2.0
/** The Linux backend: namespaces, mounts and pivot_root through the isola-spawn helper. Not API. */
package isola.linux;
