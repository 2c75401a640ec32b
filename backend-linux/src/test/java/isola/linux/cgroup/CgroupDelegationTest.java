// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding a rootless caller's delegated subtree in a fake cgroup2 tree. The files belong to the user
 * running the tests, so that user plays the delegated caller and uid 4242 a stranger.
 */
class CgroupDelegationTest {
    @TempDir
    Path fs;

    private int me() throws Exception {
        return (Integer) Files.getAttribute(fs, "unix:uid");
    }

    private Path cgroup(String rel, String controllers) throws Exception {
        Path d = Files.createDirectories(fs.resolve(rel));
        CgroupFakeTree.write(d.resolve("cgroup.procs"), "");
        CgroupFakeTree.write(d.resolve("cgroup.subtree_control"), "");
        CgroupFakeTree.write(d.resolve("cgroup.controllers"), controllers);
        return d;
    }

    @Test
    void theTopmostOwnedAncestorIsTheDelegatedRoot() throws Exception {
        Path deleg = cgroup("user.slice/user@1000.service", "cpu memory pids\n");
        cgroup("user.slice/user@1000.service/app.slice", "cpu memory pids\n");
        cgroup("user.slice/user@1000.service/app.slice/isola.scope", "cpu memory pids\n");
        // user.slice has no cgroup.procs of the caller's here: the walk stops below it
        CgroupDelegation d = CgroupDelegation.find(fs,
                List.of("1:name=systemd:/x", "0::/user.slice/user@1000.service/app.slice/isola.scope"), me());
        assertEquals(deleg, d.root());
        assertNull(d.problem());
        assertTrue(d.offers("memory"));
        assertFalse(d.offers("io"));
        assertNull(d.refusal("pids", me()));
        assertEquals("user.slice/user@1000.service/isola", d.parentBelow(fs, "isola"));
        CgroupMounts view = d.view(CgroupMounts.parse(CgroupFakeTree.hybridMountinfo(), fs));
        assertTrue(view.find("memory").v2(), "a rootless caller's memory limit is a v2 one even on a hybrid host");
        assertNull(view.find("io"));
        assertNull(view.find("freezer"));
    }

    @Test
    void aControllerNotEnabledAboveIsRefusedWithTheFileToWrite() throws Exception {
        cgroup("user.slice/user@1000.service", "memory\n");
        CgroupDelegation d = CgroupDelegation.find(fs, List.of("0::/user.slice/user@1000.service"), me());
        String why = d.refusal("cpu", me());
        assertTrue(why.contains("the cpu controller is not enabled for the delegated cgroup "
                + fs.resolve("user.slice/user@1000.service") + " (its cgroup.controllers lists memory); enable it in "
                + fs.resolve("user.slice/cgroup.subtree_control")), why);
        assertTrue(why.contains("systemd-run --user --scope -p Delegate=yes"), why);
    }

    @Test
    void aCgroupOfSomeoneElseIsNoDelegation() throws Exception {
        cgroup("user.slice/user@1000.service", "memory\n");
        CgroupDelegation d = CgroupDelegation.find(fs, List.of("0::/user.slice/user@1000.service"), 4242);
        assertNull(d.root());
        assertTrue(d.problem().contains("is not delegated to uid 4242"), d.problem());
        String why = d.refusal("memory", 4242);
        assertTrue(why.startsWith("limits for a rootless sandbox need a cgroup v2 subtree delegated to uid 4242 that "
                + "offers the memory controller: this process's cgroup "), why);
        assertTrue(why.contains("chown it and its cgroup.procs, cgroup.subtree_control and cgroup.threads to uid 4242"),
                why);
    }

    @Test
    void noCgroup2MountOrEntryIsSaid() {
        assertEquals("no cgroup2 hierarchy is mounted", CgroupDelegation.find(null, List.of(), 1000).problem());
        assertEquals("/proc/self/cgroup has no cgroup2 entry (0::)",
                CgroupDelegation.find(fs, List.of("4:memory:/"), 1000).problem());
        assertFalse(CgroupDelegation.find(fs, List.of("0::/"), 1000).offers("memory"), "the root is never delegated");
    }
}
