// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * The vocabulary of what a backend can isolate or limit on this host. A {@link SandboxSpec}
 * derives the set it needs ({@link SandboxSpec#requiredCapabilities()}); a backend that lacks one
 * refuses the request with {@link UnsupportedCapabilityException} before any side effect.
 */
public enum Capability {
    /** The workload sees only its own processes. */
    PID_ISOLATION,
    /** The sandbox has its own hostname. */
    HOSTNAME,
    /** Private System V / POSIX IPC. */
    IPC_ISOLATION,
    /** Mounts made for the sandbox are invisible to the host. */
    MOUNT_ISOLATION,
    /** The host's root, read-only, as the sandbox's root. */
    HOST_ROOT,
    /** A directory as the sandbox's root. */
    ROOT_DIRECTORY,
    /** A writable root (a writable root directory). */
    WRITABLE_ROOT,
    /** Bind mounts (volumes), read-only or read-write. */
    BIND_MOUNT,
    /** Private size-bounded tmpfs mounts. */
    TMPFS,
    /** Own network stack with loopback only. */
    NETWORK_NONE,
    /** The host's network stack. */
    NETWORK_HOST,
    /** Own network stack bridged to the host, with NAT and published ports. */
    NETWORK_BRIDGE,
    /** Share the network of another live sandbox. */
    NETWORK_JOIN,
    /** The host's stack restricted to given addresses. */
    NETWORK_ADDRESSES,
    /** A memory limit. */
    MEMORY_LIMIT,
    /** A memory+swap limit. */
    MEMORY_SWAP_LIMIT,
    /** A CPU quota as a fraction of CPUs. */
    CPU_LIMIT,
    /** A relative CPU weight. */
    CPU_WEIGHT,
    /** Pinning to a set of CPUs / memory nodes. */
    CPUSET,
    /** A limit on the number of processes. */
    PIDS_LIMIT,
    /** Block I/O weight or throttling. */
    IO_LIMIT,
    /** Running as another uid/gid. */
    USER_SWITCH,
    /** Supplementary groups. */
    SUPPLEMENTARY_GROUPS,
    /** Per-process resource limits (rlimits). */
    RLIMITS,
    /** The no_new_privs bit (no privilege gain through exec). */
    NO_NEW_PRIVILEGES,
    /** A bounded set of privileges (Linux capabilities, zone limitpriv). */
    PRIVILEGE_SET,
    /** A user namespace mapping the caller to root or itself inside. */
    USER_NAMESPACE,
    /** A cgroup namespace. */
    CGROUP_NAMESPACE,
    /** Changing the limits of a live sandbox ({@link Sandbox#updateLimits(Limits)}). */
    LIVE_LIMIT_UPDATE
}
