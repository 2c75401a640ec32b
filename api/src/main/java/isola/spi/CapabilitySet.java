// SPDX-License-Identifier: Apache-2.0
package isola.spi;

import isola.api.Capability;
import isola.api.UnsupportedCapabilityException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What a backend can do on this host, and for each capability it lacks, why.
 */
public final class CapabilitySet {
    private final Set<Capability> supported;
    private final Map<Capability, String> missing;

    private CapabilitySet(Set<Capability> supported, Map<Capability, String> missing) {
        this.supported = Collections.unmodifiableSet(supported);
        this.missing = Collections.unmodifiableMap(missing);
    }

    /** @return a builder where every capability starts missing with reason "not implemented by this backend" */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the supported capabilities */
    public Set<Capability> supported() {
        return supported;
    }

    /** @return the missing capabilities with the reason for each */
    public Map<Capability, String> missing() {
        return missing;
    }

    /**
     * @param c a capability
     * @return whether it is supported
     */
    public boolean supports(Capability c) {
        return supported.contains(c);
    }

    /**
     * Fails closed: throws for the first needed capability that is missing.
     *
     * @param backend the backend's name, for the message
     * @param needed what the request needs
     * @throws UnsupportedCapabilityException naming the capability, backend and reason
     */
    public void require(String backend, Set<Capability> needed) {
        for (Capability c : needed) {
            if (!supported.contains(c)) {
                throw new UnsupportedCapabilityException(c, backend, missing.getOrDefault(c, "not supported"));
            }
        }
    }

    /** Builds a {@link CapabilitySet}. */
    public static final class Builder {
        private final Set<Capability> supported = EnumSet.noneOf(Capability.class);
        private final Map<Capability, String> missing = new EnumMap<>(Capability.class);

        private Builder() {
            for (Capability c : Capability.values()) {
                missing.put(c, "not implemented by this backend");
            }
        }

        /** @param cs capabilities the backend has here @return this */
        public Builder supports(Capability... cs) {
            for (Capability c : cs) {
                supported.add(c);
                missing.remove(c);
            }
            return this;
        }

        /** @param c a capability it lacks @param reason why, with the remedy @return this */
        public Builder lacks(Capability c, String reason) {
            supported.remove(c);
            missing.put(c, reason);
            return this;
        }

        /** @return the set */
        public CapabilitySet build() {
            return new CapabilitySet(EnumSet.copyOf(supported.isEmpty() ? EnumSet.noneOf(Capability.class) : supported),
                    new EnumMap<>(missing));
        }
    }
}
