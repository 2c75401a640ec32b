// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this Linux host and process, read once from /proc (no native calls needed). */
final class LinuxHost {
    final int uid;
    final int gid;
    final String kernel;

    private LinuxHost(int uid, int gid, String kernel) {
        this.uid = uid;
        this.gid = gid;
        this.kernel = kernel;
    }

    static LinuxHost read() {
        int uid = -1;
        int gid = -1;
        for (String line : lines("/proc/self/status")) {
            if (line.startsWith("Uid:")) {
                uid = Integer.parseInt(line.split("\\s+")[2]);
            } else if (line.startsWith("Gid:")) {
                gid = Integer.parseInt(line.split("\\s+")[2]);
            }
        }
        return new LinuxHost(uid, gid, first("/proc/sys/kernel/osrelease", "unknown"));
    }

    boolean root() {
        return uid == 0;
    }

    /** @return null when unprivileged user namespaces work, else why not and how to enable them */
    static String userNamespaceProblem() {
        String clone = first("/proc/sys/kernel/unprivileged_userns_clone", "1");
        if (clone.equals("0")) {
            return "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0); "
                    + "enable them with: sysctl -w kernel.unprivileged_userns_clone=1";
        }
        String max = first("/proc/sys/user/max_user_namespaces", "1");
        if (max.equals("0")) {
            return "user namespaces are disabled (user.max_user_namespaces = 0); enable them with: sysctl -w user.max_user_namespaces=15000";
        }
        String apparmor = first("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "0");
        if (apparmor.equals("1")) {
            return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)";
        }
        return null;
    }

    static String first(String path, String dflt) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return dflt;
        }
    }

    private static java.util.List<String> lines(String path) {
        try {
            return Files.readAllLines(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return java.util.List.of();
        }
    }
}
