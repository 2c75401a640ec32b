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
