// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static isola.linux.Sandboxes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isola.api.Isolation;
import isola.api.MountSpec;
import isola.api.ProcessSpec;
import isola.api.RootSpec;
import isola.api.SandboxSpec;
import isola.api.SpecValidationException;
import isola.api.UserSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A root directory (a busybox-static tree) instead of the host's root, and hostile paths in it. */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class RootfsIT {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path rootfs;

    @BeforeAll
    static void needs() {
        assumeTrue(Sandboxes.isRoot(), "runs as root");
        assumeTrue(Files.isExecutable(BUSYBOX), "needs busybox-static (apt-get install busybox-static)");
    }

    @BeforeEach
    void buildRootfs() throws Exception {
        Files.setPosixFilePermissions(rootfs, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        for (String applet : List.of("sh", "ls", "cat", "touch", "id", "hostname", "ps", "echo", "stat", "mount", "grep")) {
            Files.createSymbolicLink(rootfs.resolve("bin/" + applet), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\napp:x:4242:4343:app:/:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:4343:\nextra:x:77:app\n");
    }

    private SandboxSpec.Builder spec(boolean readOnly) {
        return SandboxSpec.builder().root(RootSpec.directory(rootfs, readOnly));
    }

    @Test
    void readOnlyRootfsWithItsOwnFilesAndUsers() throws Exception {
        var r = run(spec(true).hostname("bb").build(), ProcessSpec.builder("sh", "-c",
                "ls /bin | grep -c .; hostname; id -u; touch /x 2>/dev/null || echo ro; echo t > /tmp/t && cat /tmp/t; "
                + "ps -o comm > /tmp/p; grep -vc COMMAND /tmp/p").user(UserSpec.named("app")).build());
        assertEquals(List.of("12", "bb", "4242", "ro", "t", "3"), r.lines(), r.err());
        assertTrue(Files.isDirectory(rootfs.resolve("proc")), "mount points are created in the root directory, as runc does");
        assertFalse(Files.exists(rootfs.resolve("x")));
    }

    @Test
    void writableRootfsKeepsWrites() throws Exception {
        var r = run(spec(false).build(), "sh", "-c", "echo kept > /kept; id -G");
        assertEquals("0\n", r.out(), r.err());
        assertEquals("kept\n", Files.readString(rootfs.resolve("kept")));
    }

    @Test
    void namedUserGetsGroupsFromTheRootfs() throws Exception {
        var r = run(spec(true).build(), ProcessSpec.builder("id", "-G").user(UserSpec.named("app")).build());
        assertEquals("4343 77\n", r.out());
    }

    @Test
    void absoluteSymlinkStaysInsideTheRoot(@TempDir Path vol) throws Exception {
        Files.writeString(vol.resolve("f"), "vol");
        Files.createDirectories(rootfs.resolve("data"));
        Files.createSymbolicLink(rootfs.resolve("abs"), Path.of("/data"));
        String hostEtcBefore = String.join(",", new java.io.File("/etc").list().length + "");
        var r = run(spec(true).mount(MountSpec.bind(vol, "/abs/v", true)).build(), "cat", "/data/v/f");
        assertEquals("vol", r.out(), r.err());
        assertTrue(Files.isDirectory(rootfs.resolve("data/v")), "the mount point was made in the rootfs, not on the host");
        assertEquals(hostEtcBefore, new java.io.File("/etc").list().length + "");
    }

    @Test
    void escapingSymlinkIsRefusedBeforeAnythingRuns() throws Exception {
        Files.createSymbolicLink(rootfs.resolve("evil"), Path.of("../../../../../../etc"));
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> Isolation.backend("linux").create(spec(true).mount(MountSpec.tmpfs("/evil/isola", 0)).build()));
        assertTrue(e.getMessage().startsWith("destination /evil/isola goes through symlink /evil -> ../../../../../../etc "
                + "which points outside the root"), e.getMessage());
        assertFalse(Files.exists(Path.of("/etc/isola")));
        assertEquals(0, Sandboxes.helperProcesses().size());
    }

    @Test
    void missingRootfsAndUnknownUserAreClearErrors() throws Exception {
        Path real = rootfs.toRealPath();
        SpecValidationException missing = assertThrows(SpecValidationException.class, () -> Isolation.backend("linux")
                .create(SandboxSpec.builder().root(RootSpec.directory(Path.of("/nonexistent/rootfs"), true)).build()));
        assertEquals("root directory /nonexistent/rootfs does not exist or is not a directory", missing.getMessage());
        SpecValidationException user = assertThrows(SpecValidationException.class, () -> run(spec(true).build(),
                ProcessSpec.builder("id").user(UserSpec.named("ghost")).build()));
        assertEquals("unknown user \"ghost\": not in " + real.resolve("etc/passwd"), user.getMessage());
    }
}
