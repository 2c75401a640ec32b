// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import isola.api.MountSpec;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import isola.linux.helper.HelperProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans how the sandbox's root is built: a fresh /proc, a minimal /dev (null, zero, full, random,
 * urandom, tty bound from the host, a private devpts, /dev/shm and the standard symlinks), a
 * private /tmp, then the spec's mounts in order. Checks sources and destinations on the host
 * first so that bad input fails with a clear message before anything is created.
 */
public final class MountPlanner {
    private static final long NOSUID_NODEV = HelperProtocol.MS_NOSUID | HelperProtocol.MS_NODEV;
    private static final String[] DEVICES = {"null", "zero", "full", "random", "urandom", "tty"};

    private MountPlanner() {
    }

    /**
     * @param spec the sandbox
     * @param userNamespace whether the sandbox has its own user namespace (devpts then takes no gid)
     * @return the operations, in order
     * @throws SpecValidationException when a source or destination is unusable
     */
    public static List<MountOp> plan(SandboxSpec spec, boolean userNamespace) {
        Path rootDir = spec.root().directory();
        boolean host = rootDir == null;
        List<MountOp> ops = new ArrayList<>();
        ops.add(MountOp.fs("proc", "/proc", NOSUID_NODEV | HelperProtocol.MS_NOEXEC, "", !host));
        ops.add(MountOp.fs("tmpfs", "/dev", HelperProtocol.MS_NOSUID, "mode=755,size=65536k", !host));
        for (String d : DEVICES) {
            ops.add(MountOp.bind("/dev/" + d, "/dev/" + d, false, true));
        }
        ops.add(MountOp.mkdir("/dev/pts", 0755));
        ops.add(MountOp.fs("devpts", "/dev/pts", HelperProtocol.MS_NOSUID | HelperProtocol.MS_NOEXEC,
                "newinstance,ptmxmode=0666,mode=0620" + (userNamespace ? "" : ",gid=5"), false));
        ops.add(MountOp.mkdir("/dev/shm", 01777));
        ops.add(MountOp.fs("tmpfs", "/dev/shm", NOSUID_NODEV | HelperProtocol.MS_NOEXEC, "mode=1777,size=65536k", false));
        ops.add(MountOp.symlink("pts/ptmx", "/dev/ptmx"));
        ops.add(MountOp.symlink("/proc/self/fd", "/dev/fd"));
        ops.add(MountOp.symlink("/proc/self/fd/0", "/dev/stdin"));
        ops.add(MountOp.symlink("/proc/self/fd/1", "/dev/stdout"));
        ops.add(MountOp.symlink("/proc/self/fd/2", "/dev/stderr"));
        ops.add(MountOp.symlink("/proc/kcore", "/dev/core"));
        if (!host) {
            ops.add(MountOp.bind("/sys", "/sys", true, true));
        }
        boolean userTmp = spec.mounts().stream().anyMatch(m -> m.destination().equals("/tmp"));
        if (!userTmp) {
            ops.add(MountOp.fs("tmpfs", "/tmp", NOSUID_NODEV, "mode=1777", !host));
        }
        for (MountSpec m : spec.mounts()) {
            checkDestination(rootDir, m.destination());
            if (m.type() == MountSpec.Type.BIND) {
                ops.add(MountOp.bind(checkSource(m), m.destination(), m.readOnly(), !host));
            } else {
                String data = "mode=" + Integer.toOctalString(m.mode() < 0 ? 01777 : m.mode())
                        + (m.sizeBytes() > 0 ? ",size=" + m.sizeBytes() : "");
                ops.add(MountOp.fs("tmpfs", m.destination(), NOSUID_NODEV | (m.readOnly() ? HelperProtocol.MS_RDONLY : 0),
                        data, !host));
            }
        }
        return ops;
    }

    private static String checkSource(MountSpec m) {
        Path src = m.source();
        if (!Files.exists(src)) {
            throw new SpecValidationException("volume source " + src + " does not exist (mount to " + m.destination() + ")");
        }
        try {
            return src.toRealPath().toString();
        } catch (IOException e) {
            throw new SpecValidationException("volume source " + src + " cannot be resolved: " + e.getMessage());
        }
    }

    private static void checkDestination(Path rootDir, String dest) {
        if (rootDir == null) {
            if (!Files.exists(Path.of(dest))) {
                throw new SpecValidationException("mount destination " + dest + " does not exist in the host's root; "
                        + "with the host root (read-only) a destination must already exist there; use --rootfs to mount elsewhere");
            }
            return;
        }
        RootfsPaths.resolve(rootDir, dest);
    }
}
