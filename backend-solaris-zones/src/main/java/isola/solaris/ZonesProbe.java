// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.spi.HostCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the facts {@link ZonesHost} holds: the distribution from {@code /etc/release}, the brands
 * from {@code /usr/lib/brand/<brand>/config.xml}, the zone we run in ({@code zonename}), the ZFS
 * dataset of the zonepath base ({@code zfs list}), datalink administration ({@code dladm
 * show-link}), the default scheduling class ({@code dispadmin -d}) and IP Filter ({@code svcs}).
 * Each parser takes the tool's text, so tests feed it recorded outputs.
 */
final class ZonesProbe {
    private ZonesProbe() {
    }

    /**
     * @param root the file system root ({@code /}; a directory in tests)
     * @param host the tools
     * @param zonepathBase the directory holding zonepaths
     * @return the facts
     */
    static ZonesHost probe(Path root, HostCommands host, String zonepathBase) {
        String release = read(root.resolve("etc/release"));
        HostCommands.Result zonename = host.run("/usr/bin/zonename");
        HostCommands.Result zfs = host.run("/usr/sbin/zfs", "list", "-H", "-o", "name,mountpoint");
        HostCommands.Result dladm = host.run(Dladm.DLADM, "show-link", "-p", "-o", "link");
        HostCommands.Result dispadmin = host.run("/usr/sbin/dispadmin", "-d");
        HostCommands.Result ipf = host.run("/usr/bin/svcs", "-H", "-o", "state", "svc:/network/ipfilter:default");
        return new ZonesHost(distribution(release), firstLine(release), brands(root.resolve("usr/lib/brand")),
                zfs.ok() ? dataset(zfs.stdout(), zonepathBase) : null, dladm.ok(),
                dispadmin.ok() && fss(dispadmin.stdout()), ipf.ok() && ipf.stdout().strip().equals("online"),
                zonename.ok() && zonename.stdout().strip().equals("global"));
    }

    /** @param release {@code /etc/release} @return the distribution it names */
    static ZonesHost.Distribution distribution(String release) {
        String r = release.toLowerCase(Locale.ROOT);
        if (r.contains("omnios")) {
            return ZonesHost.Distribution.OMNIOS;
        }
        if (r.contains("openindiana")) {
            return ZonesHost.Distribution.OPENINDIANA;
        }
        if (r.contains("smartos")) {
            return ZonesHost.Distribution.SMARTOS;
        }
        if (r.contains("oracle solaris")) {
            return ZonesHost.Distribution.SOLARIS;
        }
        return ZonesHost.Distribution.ILLUMOS;
    }

    static String firstLine(String text) {
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                return l.strip();
            }
        }
        return "";
    }

    /** @param brandDir {@code /usr/lib/brand} @return the brands: its subdirectories with a {@code config.xml} */
    static Set<String> brands(Path brandDir) {
        Set<String> b = new TreeSet<>();
        try (var s = Files.list(brandDir)) {
            s.filter(d -> Files.isRegularFile(d.resolve("config.xml"))).forEach(d -> b.add(d.getFileName().toString()));
        } catch (IOException e) {
            // no brands: zones are not installed
        }
        return b;
    }

    /**
     * @param zfsList {@code zfs list -H -o name,mountpoint} (tab-separated)
     * @param zonepathBase the zonepath base
     * @return the dataset mounted there, or null
     */
    static String dataset(String zfsList, String zonepathBase) {
        for (String l : zfsList.split("\n")) {
            String[] f = l.split("\t");
            if (f.length == 2 && f[1].equals(zonepathBase)) {
                return f[0];
            }
        }
        return null;
    }

    /** @param dispadmin {@code dispadmin -d}, e.g. {@code FSS\t(Fair Share)} @return whether FSS is the default class */
    static boolean fss(String dispadmin) {
        return dispadmin.strip().startsWith("FSS");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
