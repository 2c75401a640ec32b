// SPDX-License-Identifier: Apache-2.0
/** The isola-spawn helper: its wire protocol, extraction from the jar, and one launch. Not API. */
package isola.linux.helper;
