// SPDX-License-Identifier: Apache-2.0
package isola.api;

/** Where a sandbox is in its life. */
public enum SandboxState {
    /** Validated and prepared; no process of the workload has run yet. */
    CREATED,
    /** At least one process lives in it. */
    RUNNING,
    /** Its processes have exited; it can run more until closed. */
    STOPPED,
    /** Closed: everything it created is gone. */
    CLOSED
}
