// SPDX-License-Identifier: Apache-2.0
package isola.linux.ns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.MountSpec;
import isola.api.RootSpec;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import isola.linux.helper.HelperProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountPlannerTest {
    private static final long NOSUID = 2;
    private static final long NODEV = 4;
    private static final long NOEXEC = 8;

    @Test
    void defaultPlanIsProcDevAndTmpOnTheHostRoot() {
        List<MountOp> ops = MountPlanner.plan(SandboxSpec.builder().build(), false);
        List<MountOp> expected = List.of(
                new MountOp(HelperProtocol.MOP_FS, 0, NOSUID | NODEV | NOEXEC, "proc", "/proc", ""),
                new MountOp(HelperProtocol.MOP_FS, 0, NOSUID, "tmpfs", "/dev", "mode=755,size=65536k"),
                new MountOp(HelperProtocol.MOP_BIND, HelperProtocol.MOPF_CREATE, 0, "/dev/null", "/dev/null", ""),
                new MountOp(HelperProtocol.MOP_BIND, HelperProtocol.MOPF_CREATE, 0, "/dev/zero", "/dev/zero", ""),
                new MountOp(HelperProtocol.MOP_BIND, HelperProtocol.MOPF_CREATE, 0, "/dev/full", "/dev/full", ""),
                new MountOp(HelperProtocol.MOP_BIND, HelperProtocol.MOPF_CREATE, 0, "/dev/random", "/dev/random", ""),
                new MountOp(HelperProtocol.MOP_BIND, HelperProtocol.MOPF_CREATE, 0, "/dev/urandom", "/dev/urandom", ""),
                new MountOp(HelperProtocol.MOP_BIND, HelperProtocol.MOPF_CREATE, 0, "/dev/tty", "/dev/tty", ""),
                new MountOp(HelperProtocol.MOP_MKDIR, 0755, 0, "", "/dev/pts", ""),
                new MountOp(HelperProtocol.MOP_FS, 0, NOSUID | NOEXEC, "devpts", "/dev/pts",
                        "newinstance,ptmxmode=0666,mode=0620,gid=5"),
                new MountOp(HelperProtocol.MOP_MKDIR, 01777, 0, "", "/dev/shm", ""),
                new MountOp(HelperProtocol.MOP_FS, 0, NOSUID | NODEV | NOEXEC, "tmpfs", "/dev/shm", "mode=1777,size=65536k"),
                new MountOp(HelperProtocol.MOP_SYMLINK, 0, 0, "pts/ptmx", "/dev/ptmx", ""),
                new MountOp(HelperProtocol.MOP_SYMLINK, 0, 0, "/proc/self/fd", "/dev/fd", ""),
                new MountOp(HelperProtocol.MOP_SYMLINK, 0, 0, "/proc/self/fd/0", "/dev/stdin", ""),
                new MountOp(HelperProtocol.MOP_SYMLINK, 0, 0, "/proc/self/fd/1", "/dev/stdout", ""),
                new MountOp(HelperProtocol.MOP_SYMLINK, 0, 0, "/proc/self/fd/2", "/dev/stderr", ""),
                new MountOp(HelperProtocol.MOP_SYMLINK, 0, 0, "/proc/kcore", "/dev/core", ""),
                new MountOp(HelperProtocol.MOP_FS, 0, NOSUID | NODEV, "tmpfs", "/tmp", "mode=1777"));
        assertEquals(expected, ops);
    }

    @Test
    void userNamespaceDropsTheDevptsGid() {
        List<MountOp> ops = MountPlanner.plan(SandboxSpec.builder().build(), true);
        MountOp devpts = ops.stream().filter(o -> o.a().equals("devpts")).findFirst().orElseThrow();
        assertEquals("newinstance,ptmxmode=0666,mode=0620", devpts.c());
    }

    @Test
    void directoryRootCreatesTargetsAndBindsSysReadOnly(@TempDir Path root) throws Exception {
        Path vol = Files.createDirectory(root.resolveSibling(root.getFileName() + "-vol"));
        SandboxSpec spec = SandboxSpec.builder().root(RootSpec.directory(root, true))
                .mount(MountSpec.bind(vol, "/data", true))
                .mount(new MountSpec(MountSpec.Type.TMPFS, null, "/scratch", false, 1 << 20, 0700)).build();
        List<MountOp> ops = MountPlanner.plan(spec, false);
        assertEquals(HelperProtocol.MOPF_CREATE, ops.get(0).flags(), "/proc is created in a directory root");
        assertTrue(ops.contains(new MountOp(HelperProtocol.MOP_BIND, HelperProtocol.MOPF_CREATE, 1, "/sys", "/sys", "")));
        assertEquals(new MountOp(HelperProtocol.MOP_BIND, HelperProtocol.MOPF_CREATE, 1, vol.toRealPath().toString(), "/data", ""),
                ops.get(ops.size() - 2));
        assertEquals(new MountOp(HelperProtocol.MOP_FS, HelperProtocol.MOPF_CREATE, NOSUID | NODEV, "tmpfs", "/scratch",
                "mode=700,size=1048576"), ops.get(ops.size() - 1));
        Files.delete(vol);
    }

    @Test
    void aUserTmpReplacesTheDefaultTmp() {
        SandboxSpec spec = SandboxSpec.builder().mount(MountSpec.tmpfs("/tmp", 4096)).build();
        long tmps = MountPlanner.plan(spec, false).stream().filter(o -> o.b().equals("/tmp")).count();
        assertEquals(1, tmps);
    }

    @Test
    void missingVolumeSourceIsRefused() {
        SandboxSpec spec = SandboxSpec.builder().mount(MountSpec.bind(Path.of("/nonexistent/isola-src"), "/mnt", false)).build();
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> MountPlanner.plan(spec, false));
        assertEquals("volume source /nonexistent/isola-src does not exist (mount to /mnt)", e.getMessage());
    }

    @Test
    void hostRootDestinationMustExist() {
        SandboxSpec spec = SandboxSpec.builder().mount(MountSpec.tmpfs("/nonexistent-isola-dest", 0)).build();
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> MountPlanner.plan(spec, false));
        assertTrue(e.getMessage().startsWith("mount destination /nonexistent-isola-dest does not exist in the host's root"),
                e.getMessage());
    }

    @Test
    void escapingSymlinkInARootIsRefused(@TempDir Path root) throws Exception {
        Files.createSymbolicLink(root.resolve("evil"), Path.of("../../../../etc"));
        SandboxSpec spec = SandboxSpec.builder().root(RootSpec.directory(root, false))
                .mount(MountSpec.tmpfs("/evil/x", 0)).build();
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> MountPlanner.plan(spec, false));
        assertEquals("destination /evil/x goes through symlink /evil -> ../../../../etc which points outside the root "
                + root, e.getMessage());
    }
}
