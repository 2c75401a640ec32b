// SPDX-License-Identifier: Apache-2.0
/** The FreeBSD jail backend (skeleton: it probes and refuses until implemented). Not API. */
package isola.freebsd;
