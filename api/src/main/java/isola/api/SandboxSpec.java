// SPDX-License-Identifier: Apache-2.0
package isola.api;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to isolate: root, mounts, hostname, network, limits, security, the default process and
 * explicit platform-specific options. Immutable and validated on {@link Builder#build()}.
 */
public final class SandboxSpec {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final RootSpec root;
    private final List<MountSpec> mounts;
    private final String hostname;
    private final boolean hostnameGiven;
    private final NetworkSpec network;
    private final Limits limits;
    private final SecuritySpec security;
    private final ProcessSpec process;
    private final LinuxOptions linux;
    private final FreeBsdOptions freebsd;
    private final SolarisOptions solaris;

    private SandboxSpec(Builder b) {
        this.id = b.id != null ? b.id : newId();
        this.root = b.root;
        this.mounts = List.copyOf(b.mounts);
        this.hostnameGiven = b.hostname != null;
        this.hostname = b.hostname != null ? b.hostname : hostnameFor(this.id);
        this.network = b.network;
        this.limits = b.limits;
        this.security = b.security;
        this.process = b.process;
        this.linux = b.linux;
        this.freebsd = b.freebsd;
        this.solaris = b.solaris;
        validate();
    }

    /**
     * The default hostname: the id made a valid host name ('_' becomes '-', at most 63 characters,
     * no trailing '-').
     *
     * @param id a sandbox id
     * @return the hostname
     */
    static String hostnameFor(String id) {
        String h = id.replace('_', '-');
        if (h.length() > 63) {
            h = h.substring(0, 63);
        }
        while (h.endsWith("-") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** @return a fresh random sandbox id (12 hex digits) */
    public static String newId() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private void validate() {
        if (!ID.matcher(id).matches()) {
            throw new SpecValidationException("sandbox id must be 1-64 letters, digits, '-' or '_' starting with a letter or digit, got \"" + id + "\"");
        }
        if (hostname.length() > 64) {
            throw new SpecValidationException("hostname \"" + hostname + "\" must be at most 64 characters, got " + hostname.length());
        }
        for (String label : hostname.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                throw new SpecValidationException("hostname \"" + hostname + "\" is not a valid host name (letters, digits and '-' in dot-separated labels)");
            }
        }
        Set<String> dests = new HashSet<>();
        for (MountSpec m : mounts) {
            if (!dests.add(m.destination())) {
                throw new SpecValidationException("two mounts have the same destination " + m.destination());
            }
        }
    }

    /**
     * The capabilities a backend needs to honour this spec exactly.
     *
     * @return the set; a backend lacking any of them must refuse the spec
     */
    public Set<Capability> requiredCapabilities() {
        Set<Capability> c = EnumSet.of(Capability.PID_ISOLATION, Capability.HOSTNAME, Capability.IPC_ISOLATION,
                Capability.MOUNT_ISOLATION, Capability.NO_NEW_PRIVILEGES);
        c.add(root.isHost() ? Capability.HOST_ROOT : Capability.ROOT_DIRECTORY);
        if (!root.readOnly()) {
            c.add(Capability.WRITABLE_ROOT);
        }
        if (!security.noNewPrivileges()) {
            c.remove(Capability.NO_NEW_PRIVILEGES);
        }
        if (security.privileges() != null) {
            c.add(Capability.PRIVILEGE_SET);
        }
        for (MountSpec m : mounts) {
            c.add(m.type() == MountSpec.Type.BIND ? Capability.BIND_MOUNT : Capability.TMPFS);
        }
        switch (network.mode()) {
            case NONE -> c.add(Capability.NETWORK_NONE);
            case HOST -> c.add(Capability.NETWORK_HOST);
            case BRIDGE -> c.add(Capability.NETWORK_BRIDGE);
            case JOIN -> c.add(Capability.NETWORK_JOIN);
            case ADDRESSES -> c.add(Capability.NETWORK_ADDRESSES);
            default -> throw new IllegalStateException();
        }
        if (limits.memoryBytes() != null) {
            c.add(Capability.MEMORY_LIMIT);
        }
        if (limits.memorySwapBytes() != null) {
            c.add(Capability.MEMORY_SWAP_LIMIT);
        }
        if (limits.cpus() != null) {
            c.add(Capability.CPU_LIMIT);
        }
        if (limits.cpuWeight() != null) {
            c.add(Capability.CPU_WEIGHT);
        }
        if (limits.cpusetCpus() != null || limits.cpusetMems() != null) {
            c.add(Capability.CPUSET);
        }
        if (limits.pids() != null) {
            c.add(Capability.PIDS_LIMIT);
        }
        if (limits.ioWeight() != null || !limits.deviceIo().isEmpty()) {
            c.add(Capability.IO_LIMIT);
        }
        if (process != null) {
            c.addAll(process(process));
        }
        return c;
    }

    /**
     * @param p a process to run in a sandbox
     * @return the capabilities running it needs
     */
    public static Set<Capability> process(ProcessSpec p) {
        Set<Capability> c = EnumSet.noneOf(Capability.class);
        if (!p.rlimits().isEmpty()) {
            c.add(Capability.RLIMITS);
        }
        if (p.user() != null) {
            c.add(Capability.USER_SWITCH);
            if (!p.user().groups().isEmpty()) {
                c.add(Capability.SUPPLEMENTARY_GROUPS);
            }
        }
        return c;
    }

    /** @return the sandbox id: letters, digits, '-' and '_' */
    public String id() {
        return id;
    }

    /** @return what {@code /} is */
    public RootSpec root() {
        return root;
    }

    /** @return mounts in the order they are made */
    public List<MountSpec> mounts() {
        return mounts;
    }

    /** @return the sandbox's hostname (by default its id) */
    public String hostname() {
        return hostname;
    }

    /** @return the network */
    public NetworkSpec network() {
        return network;
    }

    /** @return the resource limits */
    public Limits limits() {
        return limits;
    }

    /** @return privilege settings */
    public SecuritySpec security() {
        return security;
    }

    /** @return the process {@link Sandbox#start()} runs, or null */
    public ProcessSpec process() {
        return process;
    }

    /** @return Linux-only settings */
    public LinuxOptions linux() {
        return linux;
    }

    /** @return FreeBSD-only settings */
    public FreeBsdOptions freebsd() {
        return freebsd;
    }

    /** @return Solaris/illumos-only settings */
    public SolarisOptions solaris() {
        return solaris;
    }

    /** @return a builder holding this spec's values (with the same id) */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.root = root;
        b.mounts.addAll(mounts);
        b.hostname = hostnameGiven ? hostname : null;
        b.network = network;
        b.limits = limits;
        b.security = security;
        b.process = process;
        b.linux = linux;
        b.freebsd = freebsd;
        b.solaris = solaris;
        return b;
    }

    /** @return a builder with the defaults: host root read-only, no network, no limits */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SandboxSpec}. */
    public static final class Builder {
        private String id;
        private RootSpec root = RootSpec.HOST;
        private final List<MountSpec> mounts = new ArrayList<>();
        private String hostname;
        private NetworkSpec network = NetworkSpec.NONE;
        private Limits limits = Limits.NONE;
        private SecuritySpec security = SecuritySpec.DEFAULT;
        private ProcessSpec process;
        private LinuxOptions linux = LinuxOptions.DEFAULT;
        private FreeBsdOptions freebsd = FreeBsdOptions.DEFAULT;
        private SolarisOptions solaris = SolarisOptions.DEFAULT;

        private Builder() {
        }

        /** @param v the sandbox id, null for a random one @return this */
        public Builder id(String v) {
            this.id = v;
            return this;
        }

        /** @param v the root @return this */
        public Builder root(RootSpec v) {
            this.root = Objects.requireNonNull(v);
            return this;
        }

        /** @param v a mount, made after the earlier ones @return this */
        public Builder mount(MountSpec v) {
            mounts.add(Objects.requireNonNull(v));
            return this;
        }

        /** @param v the hostname, null for the id @return this */
        public Builder hostname(String v) {
            this.hostname = v;
            return this;
        }

        /** @param v the network @return this */
        public Builder network(NetworkSpec v) {
            this.network = Objects.requireNonNull(v);
            return this;
        }

        /** @param v the limits @return this */
        public Builder limits(Limits v) {
            this.limits = Objects.requireNonNull(v);
            return this;
        }

        /** @param v privilege settings @return this */
        public Builder security(SecuritySpec v) {
            this.security = Objects.requireNonNull(v);
            return this;
        }

        /** @param v the default process for {@link Sandbox#start()} @return this */
        public Builder process(ProcessSpec v) {
            this.process = v;
            return this;
        }

        /** @param v Linux-only settings @return this */
        public Builder linux(LinuxOptions v) {
            this.linux = Objects.requireNonNull(v);
            return this;
        }

        /** @param v FreeBSD-only settings @return this */
        public Builder freebsd(FreeBsdOptions v) {
            this.freebsd = Objects.requireNonNull(v);
            return this;
        }

        /** @param v Solaris/illumos-only settings @return this */
        public Builder solaris(SolarisOptions v) {
            this.solaris = Objects.requireNonNull(v);
            return this;
        }

        /** @return the validated spec @throws SpecValidationException when a value is invalid */
        public SandboxSpec build() {
            return new SandboxSpec(this);
        }
    }
}
