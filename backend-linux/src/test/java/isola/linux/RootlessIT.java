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
        return probeIn(null, args);
    }

    /** Runs the probe as {@link #UID}, first moved into the cgroup {@code leaf} when it is not null. */
    private static List<String> probeIn(Path leaf, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (leaf != null) {
            cmd.addAll(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", leaf.resolve("cgroup.procs").toString()));
        }
        cmd.addAll(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups", "--",
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

    @Test
    void limitsWithoutADelegatedSubtreeFailClosedWithTheRemedy() throws Exception {
        // This JVM's cgroup belongs to root, so the probe started from it has no delegation.
        List<String> out = probe("--limits", Long.toString(64L << 20), "32", "touch /tmp/ran-anyway");
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("error=UnsupportedCapabilityException: "), out.get(0));
        assertTrue(out.get(0).contains("need a cgroup v2 subtree delegated to uid " + UID), out.get(0));
        assertTrue(out.get(0).contains("Delegate=yes"), out.get(0));
        assertEquals(List.of("status=0"), probe("true"), "without limits the same caller still runs");
    }

    /**
     * On a host whose cgroup2 mount has the memory and pids controllers (pure v2: the guest of
     * vagrant/linux-guest), a subtree delegated to the caller as systemd's Delegate=yes would do gives
     * rootless sandboxes real limits. On a host without them (v1 hybrid), the same request fails closed.
     */
    @Test
    void aDelegatedSubtreeGivesRootlessSandboxesLimits() throws Exception {
        isola.linux.cgroup.CgroupMounts m = isola.linux.cgroup.CgroupMounts.probe();
        Path unified = m.unified();
        String rootControllers = unified == null ? "" : Files.readString(unified.resolve("cgroup.controllers"));
        boolean v2 = rootControllers.contains("memory") && rootControllers.contains("pids");
        Path deleg = unified == null ? Path.of("/nonexistent") : unified.resolve("isotest-deleg-" + ProcessHandle.current().pid());
        Path leaf = deleg.resolve("jvm");
        if (unified != null) {
            Files.createDirectories(leaf);
            if (v2) {
                Files.writeString(unified.resolve("cgroup.subtree_control"), "+memory +pids");
                Files.writeString(deleg.resolve("cgroup.subtree_control"), "+memory +pids");
            }
            // as an administrator delegates a cgroup; the leaf is as if the caller had made it
            for (Path d : List.of(deleg, leaf)) {
                for (Path p : List.of(d, d.resolve("cgroup.procs"), d.resolve("cgroup.subtree_control"),
                        d.resolve("cgroup.threads"))) {
                    Files.setAttribute(p, "unix:uid", UID);
                }
            }
        }
        try {
            // one process, so that it is the OOM killer's only choice (in a pipeline the shell may report
            // a killed member, "Killed", before it is killed itself)
            String hog = "exec dd if=/dev/zero of=/dev/null bs=268435456 count=1";
            List<String> out = unified == null ? probe("--limits", Long.toString(32L << 20), "16", hog)
                    : probeIn(leaf, "--limits", Long.toString(32L << 20), "16", hog);
            if (v2) {
                assertEquals(List.of("status=137", "oom=true pids=false"), out);
                List<String> bomb = probeIn(leaf, "--limits", Long.toString(64L << 20), "16",
                        "for i in $(seq 40); do sleep 5 & done 2>/dev/null; wait");
                assertEquals("oom=false pids=true", bomb.get(bomb.size() - 1), bomb.toString());
                try (var left = Files.list(deleg.resolve("isola"))) {
                    assertEquals(List.of(), left.filter(Files::isDirectory).toList(), "sandbox cgroups are removed");
                }
            } else {
                assertEquals(1, out.size(), out.toString());
                assertTrue(out.get(0).startsWith("error=UnsupportedCapabilityException: ")
                        && out.get(0).contains("memory controller"), out.get(0));
            }
        } finally {
            if (unified != null) {
                for (Path p : List.of(deleg.resolve("isola"), leaf, deleg)) {
                    if (Files.isDirectory(p)) {
                        Files.delete(p);
                    }
                }
            }
        }
    }
}
