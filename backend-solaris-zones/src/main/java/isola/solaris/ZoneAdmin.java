// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.IsolationException;
import isola.spi.HostCommands;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Drives zonecfg(8) and zoneadm(8) for one host. Every operation is idempotent: it reads the zone's
 * state first and does nothing when the zone is already where the operation would take it, so an
 * undo may be replayed (after a crash, by the sweep) without knowing how far the first attempt got.
 * Destructive subcommands take {@code -F}: they refuse without it when stdin is not a terminal.
 */
final class ZoneAdmin {
    static final String ZONEADM = "/usr/sbin/zoneadm";
    static final String ZONECFG = "/usr/sbin/zonecfg";
    /** The reference's §12: installing from IPS takes from a minute to several. */
    static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(30);
    static final Duration CLONE_TIMEOUT = Duration.ofMinutes(10);
    static final Duration BOOT_TIMEOUT = Duration.ofMinutes(5);

    private final HostCommands host;

    ZoneAdmin(HostCommands host) {
        this.host = host;
    }

    /** @return every zone ({@code zoneadm list -cp}) */
    List<ZoneEntry> list() {
        return ZoneEntry.parse(check(host.run(ZONEADM, "list", "-cp")).stdout());
    }

    /** @param zone a zone name @return its entry, empty when it is not configured */
    Optional<ZoneEntry> find(String zone) {
        return list().stream().filter(z -> z.name().equals(zone)).findFirst();
    }

    /**
     * Configures a zone from a command file ({@code zonecfg -z Z -f FILE}); nothing when it exists.
     *
     * @param zone the zone
     * @param commandFile a file holding {@link ZonecfgScript}'s output
     */
    void configure(String zone, String commandFile) {
        if (find(zone).isEmpty()) {
            check(host.run(ZONECFG, "-z", zone, "-f", commandFile));
        }
    }

    /** @param zone installed with {@code zoneadm -z Z install} unless it is installed already */
    void install(String zone) {
        install(zone, null);
    }

    /**
     * @param zone installed with {@code zoneadm -z Z install [-c PROFILE]} unless it is installed already
     * @param profile the system configuration profile (Solaris 11.4 brand solaris), or null
     */
    void install(String zone, Path profile) {
        ZoneEntry z = require(zone);
        if (z.state().equals("incomplete")) {
            // a crashed install: the reference's recovery is uninstall, then install again
            check(host.run(List.of(ZONEADM, "-z", zone, "uninstall", "-F"), null, INSTALL_TIMEOUT));
        } else if (z.installed()) {
            return;
        }
        check(host.run(withProfile(List.of(ZONEADM, "-z", zone, "install"), profile, List.of()), null, INSTALL_TIMEOUT));
    }

    private static List<String> withProfile(List<String> head, Path profile, List<String> tail) {
        List<String> argv = new java.util.ArrayList<>(head);
        if (profile != null) {
            argv.add("-c");
            argv.add(profile.toString());
        }
        argv.addAll(tail);
        return argv;
    }

    /**
     * @param zone installed as a ZFS clone of {@code source} ({@code zoneadm -z Z clone SOURCE})
     *     unless it is installed already
     * @param source an installed, halted zone
     */
    void cloneFrom(String zone, String source) {
        cloneFrom(zone, source, null);
    }

    /**
     * @param zone installed as a ZFS clone of {@code source} ({@code zoneadm -z Z clone [-c PROFILE] SOURCE})
     *     unless it is installed already
     * @param source an installed, halted zone
     * @param profile the system configuration profile (Solaris 11.4 brand solaris), or null
     */
    void cloneFrom(String zone, String source, Path profile) {
        if (!require(zone).installed()) {
            check(host.run(withProfile(List.of(ZONEADM, "-z", zone, "clone"), profile, List.of(source)), null,
                    CLONE_TIMEOUT));
        }
    }

    /** @param zone booted ({@code zoneadm -z Z boot}) unless it runs */
    void boot(String zone) {
        if (!require(zone).running()) {
            check(host.run(List.of(ZONEADM, "-z", zone, "boot"), null, BOOT_TIMEOUT));
        }
    }

    /** @param zone halted ({@code zoneadm -z Z halt}: kills every process) if it is up */
    void halt(String zone) {
        Optional<ZoneEntry> z = find(zone);
        if (z.isPresent() && z.get().up()) {
            check(host.run(List.of(ZONEADM, "-z", zone, "halt"), null, BOOT_TIMEOUT));
        }
    }

    /** @param zone uninstalled ({@code zoneadm -z Z uninstall -F}: its datasets destroyed) if installed */
    void uninstall(String zone) {
        Optional<ZoneEntry> z = find(zone);
        if (z.isPresent() && z.get().installed()) {
            if (z.get().up()) {
                halt(zone);
            }
            check(host.run(List.of(ZONEADM, "-z", zone, "uninstall", "-F"), null, CLONE_TIMEOUT));
        }
    }

    /** @param zone its configuration deleted ({@code zonecfg -z Z delete -F}) if it has one */
    void delete(String zone) {
        if (find(zone).isPresent()) {
            check(host.run(ZONECFG, "-z", zone, "delete", "-F"));
        }
    }

    /** @param zone halted, uninstalled and deleted, whatever state it was in */
    void destroy(String zone) {
        halt(zone);
        uninstall(zone);
        delete(zone);
    }

    private ZoneEntry require(String zone) {
        return find(zone).orElseThrow(() -> new IsolationException("zone " + zone + " is not configured"));
    }

    static HostCommands.Result check(HostCommands.Result r) {
        if (!r.ok()) {
            throw new IsolationException(r.describe());
        }
        return r;
    }
}
