// SPDX-License-Identifier: Apache-2.0
/** Mapping of the OCI runtime-spec {@code solaris} section onto isola's zone options and limits. Not API. */
package isola.solaris.oci;
