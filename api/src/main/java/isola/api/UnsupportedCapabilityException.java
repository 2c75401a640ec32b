// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * A request needs a capability the chosen backend cannot honour on this host. Thrown before any
 * side effect: isolation is never silently weaker than asked.
 */
public class UnsupportedCapabilityException extends IsolationException {
    private static final long serialVersionUID = 1L;
    private final Capability capability;
    private final String backend;
    private final String reason;

    /**
     * @param capability the capability the request needs
     * @param backend the backend's name
     * @param reason why the backend cannot provide it here, with the remedy when known
     */
    public UnsupportedCapabilityException(Capability capability, String backend, String reason) {
        super(capability.name().toLowerCase(java.util.Locale.ROOT) + " is not supported by backend "
                + backend + ": " + reason);
        this.capability = capability;
        this.backend = backend;
        this.reason = reason;
    }

    /** @return the capability that is missing */
    public Capability capability() {
        return capability;
    }

    /** @return the backend that lacks it */
    public String backend() {
        return backend;
    }

    /** @return why it is missing */
    public String reason() {
        return reason;
    }
}
