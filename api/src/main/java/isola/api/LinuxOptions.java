// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * Linux-only settings, kept explicit because they do not port.
 *
 * @param userNamespace whether to create a user namespace: {@link UserNamespace#AUTO} makes one
 *     only when the caller is not root
 * @param mapToRoot with a user namespace, map the caller to root inside (true, the default) or to
 *     its own uid and gid
 * @param cgroupNamespace whether to give the sandbox its own cgroup namespace (default true)
 * @param cgroupParent the cgroup under which sandboxes are placed, null for {@code isola}
 */
public record LinuxOptions(UserNamespace userNamespace, boolean mapToRoot, boolean cgroupNamespace, String cgroupParent) {
    /** Defaults: a user namespace when rootless, mapped to root; own cgroup namespace. */
    public static final LinuxOptions DEFAULT = new LinuxOptions(UserNamespace.AUTO, true, true, null);

    /** When to create a user namespace. */
    public enum UserNamespace {
        /** Only when the caller is not root. */
        AUTO,
        /** Always, also as root. */
        ALWAYS,
        /** Never; a non-root caller then cannot create the other namespaces. */
        NEVER
    }

    /** Validates. */
    public LinuxOptions {
        if (userNamespace == null) {
            userNamespace = UserNamespace.AUTO;
        }
    }
}
