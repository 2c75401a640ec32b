// SPDX-License-Identifier: Apache-2.0
/** Mapping of the OCI runtime-spec {@code freebsd} section onto isola's FreeBSD options. Not API. */
package isola.freebsd.oci;
