// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Rootless sandboxes for real: a JVM started as uid 65534 through setpriv creates a sandbox with
 * a user namespace. Needs root to switch to that uid, hence the root opt-in.
 */
@EnabledOnOs(OS.LINUX)
@Tag("integration")
@EnabledIfEnvironmentVariable(named = "ISOLA_ROOT_TESTS", matches = "1")
class RootlessIT {
    private static final int UID = 65534;
    private static Path classpathCopy;
    private static String classpath;

    @BeforeAll
    static void copyClasspath() throws Exception {
        assumeTrue(Sandboxes.isRoot(), "switching to an unprivileged uid needs root");
        assumeTrue(LinuxHost.userNamespaceProblem() == null, "unprivileged user namespaces are disabled here");
        classpathCopy = Files.createTempDirectory("isola-rootless-cp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(e);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = classpathCopy.resolve(i++ + "-" + src.getFileName());
            new ProcessBuilder("cp", "-r", src.toString(), dst.toString()).inheritIO().start().waitFor();
            entries.add(dst.toString());
        }
        new ProcessBuilder("chmod", "-R", "a+rX", classpathCopy.toString()).inheritIO().start().waitFor();
        classpath = String.join(File.pathSeparator, entries);
    }

    @AfterAll
    static void cleanup() throws Exception {
        if (classpathCopy != null) {
            new ProcessBuilder("rm", "-rf", classpathCopy.toString()).start().waitFor();
        }
    }

    private static List<String> probe(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                RootlessProbe.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(new File("/")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out.lines().filter(l -> !l.startsWith("SLF4J")).toList();
    }

    @Test
    void callerIsRootInsideWithItsOwnPidUtsAndNetwork() throws Exception {
        List<String> out = probe("id -u; hostname; ps -e -o comm= > /tmp/p; tr '\\n' ' ' < /tmp/p; echo; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ';"
                + " grep CapEff /proc/self/status | tr -d '\\t'; touch /etc/x 2>/dev/null || echo ro");
        assertEquals(List.of("0", "rootless", "isola-spawn sh ps ", "lo", "CapEff:0000000020000420", "ro",
                "status=0"), out);
    }

    @Test
    void callerCanBeMappedToItself() throws Exception {
        assertEquals(List.of(UID + ":" + UID, "status=0"), probe("--self", "echo $(id -u):$(id -g)"));
    }
}
