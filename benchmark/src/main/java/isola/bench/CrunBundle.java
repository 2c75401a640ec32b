// SPDX-License-Identifier: Apache-2.0
package isola.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An OCI bundle for {@code crun run}: a busybox-static root file system ({@code /bin/true} is busybox)
 * and a config.json asking for what isola's default sandbox has — mount, PID, UTS, IPC, cgroup and
 * network namespaces, a read-only root, a fresh /proc, a tmpfs /dev (crun adds the standard device
 * nodes), devpts, /dev/shm and a tmpfs /tmp — plus, when given, the same memory, pids and CPU limits
 * as isola's {@code limits} variant. No masked or read-only paths: isola's default has none either.
 * crun's cgroupfs manager puts each container's cgroups at {@code /<id>} and removes them on exit.
 */
final class CrunBundle implements AutoCloseable {
    private final Path dir;
    private final Path state;

    private CrunBundle(Path dir, Path state) {
        this.dir = dir;
        this.state = state;
    }

    /**
     * @param busybox a statically linked busybox
     * @param memoryBytes memory (and memory+swap) limit, or null
     * @param pids pids limit, or null
     * @param cpus CPUs (quota over a 100 ms period), or null
     * @return the bundle, in a fresh temporary directory
     * @throws IOException when it cannot be written
     */
    static CrunBundle create(Path busybox, Long memoryBytes, Long pids, Double cpus)
            throws IOException {
        Path dir = Files.createTempDirectory("isola-bench-crun");
        Path rootfs = dir.resolve("rootfs");
        for (String d : new String[] {"bin", "proc", "dev", "tmp", "sys"}) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(busybox, rootfs.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(rootfs.resolve("bin/true"), Path.of("busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        Files.writeString(dir.resolve("config.json"), config(memoryBytes, pids, cpus));
        Path state = Files.createDirectories(dir.resolve("state"));
        return new CrunBundle(dir, state);
    }

    static String config(Long memoryBytes, Long pids, Double cpus) {
        StringBuilder res = new StringBuilder();
        if (memoryBytes != null) {
            res.append(String.format(Locale.ROOT, "\"memory\": {\"limit\": %d, \"swap\": %d}", memoryBytes, memoryBytes));
        }
        if (pids != null) {
            res.append(res.length() > 0 ? ", " : "").append("\"pids\": {\"limit\": ").append(pids).append('}');
        }
        if (cpus != null) {
            res.append(res.length() > 0 ? ", " : "").append(String.format(Locale.ROOT,
                    "\"cpu\": {\"quota\": %d, \"period\": 100000}", Math.round(cpus * 100_000)));
        }
        String caps = "[\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]";
        return """
            {
              "ociVersion": "1.0.2",
              "process": {
                "terminal": false,
                "user": {"uid": 0, "gid": 0},
                "args": ["/bin/true"],
                "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                "cwd": "/",
                "capabilities": {"bounding": %1$s, "effective": %1$s, "permitted": %1$s},
                "noNewPrivileges": true
              },
              "root": {"path": "rootfs", "readonly": true},
              "hostname": "bench",
              "mounts": [
                {"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
                {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]}
              ],
              "linux": {
                "resources": {%2$s},
                "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}]
              }
            }
            """.formatted(caps, res);
    }

    /**
     * @param id a container id unused in this bundle's state directory
     * @return the command that runs the container once and deletes it
     */
    String[] runCommand(String id) {
        return new String[] {"crun", "--root", state.toString(), "run", "--bundle", dir.toString(), id};
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
