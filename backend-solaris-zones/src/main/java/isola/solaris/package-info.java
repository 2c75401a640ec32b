// SPDX-License-Identifier: Apache-2.0
/** The Solaris/illumos zones backend (skeleton: it probes and refuses until implemented). Not API. */
package isola.solaris;
