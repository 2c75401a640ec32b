// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What jails, mounts, rctl rules and interfaces of a name prefix are on a real FreeBSD host (for ITs). */
final class FreeBsdHostState {
    private FreeBsdHostState() {
    }

    static String run(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static boolean isRoot() {
        return run("/usr/bin/id", "-u").strip().equals("0");
    }

    /** @param prefix a sandbox id prefix @return what of it is left on the host */
    static List<String> leftovers(String prefix) {
        List<String> out = new ArrayList<>();
        for (String j : run("/usr/sbin/jls", "-d", "name").split("\n")) {
            if (j.strip().startsWith(prefix) || j.contains("." + prefix)) {
                out.add("jail " + j.strip());
            }
        }
        for (String m : run("/sbin/mount", "-p").split("\n")) {
            if (m.contains("/isola/jails/" + prefix)) {
                out.add("mount " + m.strip());
            }
        }
        for (String r : run("/usr/bin/rctl").split("\n")) {
            if (r.startsWith("jail:" + prefix)) {
                out.add("rctl rule " + r.strip());
            }
        }
        return out;
    }
}
