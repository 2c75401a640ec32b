// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test support: a fake cgroup filesystem under a temporary directory, and its mountinfo lines. */
final class CgroupFakeTree {
    private CgroupFakeTree() {
    }

    /** The development machine's layout: v1 controllers, cgroup2 at unified with only hugetlb. */
    static List<String> hybridMountinfo() {
        return List.of(
                "25 30 0:22 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs ro,mode=755",
                "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw",
                "27 25 0:24 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu",
                "28 25 0:25 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct",
                "29 25 0:26 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset",
                "30 25 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
                "31 25 0:28 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids",
                "32 25 0:29 / /sys/fs/cgroup/blkio rw - cgroup cgroup rw,blkio",
                "33 25 0:30 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd");
    }

    /** A pure v2 host. */
    static List<String> unifiedMountinfo() {
        return List.of("26 1 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec - cgroup2 cgroup2 rw,nsdelegate");
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
