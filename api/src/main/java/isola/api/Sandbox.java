// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * A live sandbox. Its namespaces (jail, zone) come into being with its first process and stay
 * until {@link #close()}, so further processes started with {@link #exec(ProcessSpec)} share them.
 * {@link #close()} kills what remains and removes everything the sandbox created, idempotently.
 */
public interface Sandbox extends AutoCloseable {
    /** @return the sandbox id */
    String id();

    /** @return the spec it was created from */
    SandboxSpec spec();

    /** @return the backend's name */
    String backend();

    /** @return its state */
    SandboxState state();

    /**
     * Starts the spec's default process.
     *
     * @return the running process
     * @throws SpecValidationException when the spec has no process
     */
    default IsolatedProcess start() {
        ProcessSpec p = spec().process();
        if (p == null) {
            throw new SpecValidationException("sandbox " + id() + " has no default process to start");
        }
        return exec(p);
    }

    /**
     * Runs a process inside the sandbox.
     *
     * @param process what to run
     * @return the running process
     * @throws UnsupportedCapabilityException when the backend cannot run it as asked (nothing is started)
     * @throws HelperFailedException when setting it up failed (nothing of it is left)
     */
    IsolatedProcess exec(ProcessSpec process);

    /**
     * Sends a signal to every process in the sandbox.
     *
     * @param signal the signal
     */
    void kill(Signal signal);

    /**
     * Changes the resource limits of the live sandbox, as {@code runc update} and {@code prctl -r}
     * do. Every limit set in {@code changes} replaces the sandbox's current one; a null field (an
     * empty device list) leaves that limit as it is. A memory+swap change must name the memory
     * limit too, as {@link Limits} validates them together.
     *
     * <p>All or nothing: the whole request is checked against the backend and the sandbox before
     * anything changes, and when applying one of the limits fails, the ones already applied are put
     * back before the exception is thrown. A limit lower than what the sandbox uses now is the
     * kernel's to enforce: memory is reclaimed or the workload is killed for it, as at creation.
     *
     * @param changes the limits to change
     * @return the sandbox's limits after the change
     * @throws UnsupportedCapabilityException when the backend cannot change one of them on a live
     *     sandbox (for example a limit on a controller the sandbox was created without); nothing
     *     is changed
     * @throws IsolationException when the sandbox is closed, or the host refused a value; nothing
     *     is changed
     */
    default Limits updateLimits(Limits changes) {
        throw new UnsupportedCapabilityException(Capability.LIVE_LIMIT_UPDATE, backend(),
                "this backend cannot change the limits of a live sandbox");
    }

    /**
     * Resource usage of the sandbox so far (all its processes together).
     *
     * @return the usage; fields the backend does not account here are null
     */
    default SandboxStats stats() {
        return SandboxStats.NONE;
    }

    /** Kills every remaining process and removes all the sandbox created. Idempotent. */
    @Override
    void close();
}
