// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cgroup v2 subtree delegated to a rootless caller: the topmost ancestor of the caller's own
 * cgroup that the caller owns, together with its {@code cgroup.procs} and {@code
 * cgroup.subtree_control} (what systemd's {@code Delegate=yes} or a manual {@code chown} gives).
 * Rootless sandboxes' cgroups live below it, under {@code <delegated>/isola}; a controller is usable
 * when it is in the delegated cgroup's {@code cgroup.controllers}.
 */
public final class CgroupDelegation {
    private final Path root;
    private final Set<String> controllers;
    private final String problem;

    private CgroupDelegation(Path root, Set<String> controllers, String problem) {
        this.root = root;
        this.controllers = controllers;
        this.problem = problem;
    }

    /**
     * @param mounts this host's layout
     * @param uid the caller
     * @return the caller's delegated subtree, or why there is none
     */
    public static CgroupDelegation probe(CgroupMounts mounts, int uid) {
        try {
            return find(mounts.unified(), Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8), uid);
        } catch (IOException e) {
            return new CgroupDelegation(null, Set.of(), "/proc/self/cgroup cannot be read: " + e.getMessage());
        }
    }

    /**
     * @param unified the cgroup2 mount, or null
     * @param procSelfCgroup the lines of /proc/self/cgroup
     * @param uid the caller
     * @return the delegated subtree, or why there is none
     */
    public static CgroupDelegation find(Path unified, List<String> procSelfCgroup, int uid) {
        if (unified == null) {
            return new CgroupDelegation(null, Set.of(), "no cgroup2 hierarchy is mounted");
        }
        String own = procSelfCgroup.stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3)).findFirst()
                .orElse(null);
        if (own == null) {
            return new CgroupDelegation(null, Set.of(), "/proc/self/cgroup has no cgroup2 entry (0::)");
        }
        Path dir = unified.resolve(own.substring(1)).normalize();
        Path top = null;
        for (Path d = dir; d != null && d.startsWith(unified) && !d.equals(unified); d = d.getParent()) {
            if (owner(d) != uid || owner(d.resolve("cgroup.procs")) != uid
                    || owner(d.resolve("cgroup.subtree_control")) != uid) {
                break;
            }
            top = d;
        }
        if (top == null) {
            return new CgroupDelegation(null, Set.of(), "this process's cgroup " + dir + " is not delegated to uid "
                    + uid + " (it, its cgroup.procs and its cgroup.subtree_control must belong to uid " + uid + ")");
        }
        Set<String> available = new LinkedHashSet<>();
        String text = CgroupFiles.read(top, "cgroup.controllers");
        if (text != null && !text.isBlank()) {
            available.addAll(List.of(text.strip().split("\\s+")));
        }
        return new CgroupDelegation(top, Set.copyOf(available), null);
    }

    private static int owner(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /** @return the delegated cgroup's directory, or null when there is none */
    public Path root() {
        return root;
    }

    /** @return why there is no usable delegation, or null */
    public String problem() {
        return problem;
    }

    /**
     * @param controller a v2 controller name
     * @return whether sandboxes of this caller can use it
     */
    public boolean offers(String controller) {
        return root != null && controllers.contains(controller);
    }

    /**
     * @param controller the controller a limit needs
     * @param uid the caller
     * @return why a rootless sandbox cannot use it and how to fix that, or null when it can
     */
    public String refusal(String controller, int uid) {
        if (offers(controller)) {
            return null;
        }
        String why = root == null ? problem
                : "the " + controller + " controller is not enabled for the delegated cgroup " + root + " (its "
                        + "cgroup.controllers lists " + (controllers.isEmpty() ? "none" : String.join(" ", controllers))
                        + "); enable it in " + root.getParent().resolve("cgroup.subtree_control");
        return "limits for a rootless sandbox need a cgroup v2 subtree delegated to uid " + uid + " that offers the "
                + controller + " controller: " + why + ". With systemd run isola under `systemd-run --user --scope "
                + "-p Delegate=yes`; otherwise, as root, create a cgroup, chown it and its cgroup.procs, "
                + "cgroup.subtree_control and cgroup.threads to uid " + uid + ", enable the controllers in its parent's "
                + "cgroup.subtree_control, and start isola in a leaf cgroup below it";
    }

    /**
     * @param unified the cgroup2 mount
     * @param parent the sandbox parent below the delegated cgroup, e.g. {@code isola}
     * @return the parent as a path below the cgroup2 mount's root
     */
    public String parentBelow(Path unified, String parent) {
        return unified.relativize(root).resolve(parent).toString();
    }

    /** @return a view of the layout with only the delegated v2 controllers, for a rootless caller's cgroups */
    public CgroupMounts view(CgroupMounts mounts) {
        return mounts.restrictedToUnified(controllers);
    }
}
