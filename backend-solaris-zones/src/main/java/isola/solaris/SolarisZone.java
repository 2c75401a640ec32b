// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.IsolationException;
import isola.api.ProgressListener;
import isola.spi.HostCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The life of one sandbox zone: configure ({@code zonecfg -f}), install by cloning a cached
 * template ({@code zoneadm clone}, a ZFS snapshot and clone) or, the first time, installing the
 * template ({@code zoneadm install}), write its nodename, boot; then halt, uninstall and delete.
 * Each host change is recorded before it is made ({@link ZoneRecord}), so a failure half-way undoes
 * exactly what was done, in reverse, and so does the sweep after a crash.
 */
final class SolarisZone {
    private final ZoneAdmin admin;
    private final HostCommands host;
    private final ZoneRecord record;
    private final String zone;
    private final ZoneConfig config;
    private final String templateZone;
    private final ZonePlanner.Template template;
    private final Path workDir;
    private final ZoneNetworkSetup network;
    private final String nodename;

    /**
     * @param admin the zone tools
     * @param host the other tools
     * @param record the zone's crash record
     * @param zone the zone name
     * @param config its configuration
     * @param templateZone an existing installed zone to clone (SolarisOptions.templateZone), or null
     * @param template the cached template to clone when templateZone is null
     * @param workDir where command files are written (0700)
     * @param network the host-side network pieces
     * @param nodename the hostname
     */
    SolarisZone(ZoneAdmin admin, HostCommands host, ZoneRecord record, String zone, ZoneConfig config, String templateZone,
            ZonePlanner.Template template, Path workDir, ZoneNetworkSetup network, String nodename) {
        this.admin = admin;
        this.host = host;
        this.record = record;
        this.zone = zone;
        this.config = config;
        this.templateZone = templateZone;
        this.template = template;
        this.workDir = workDir;
        this.network = network;
        this.nodename = nodename;
    }

    String name() {
        return zone;
    }

    /** @return the zone's root as the global zone sees it */
    Path root() {
        return Path.of(config.zonepath(), "root");
    }

    /**
     * Makes and boots the zone; on failure undoes what was done and rethrows.
     *
     * @param progress told about each step
     */
    void create(ProgressListener progress) {
        List<String> steps = new ArrayList<>(List.of("configuring zone " + zone, "cloning " + source() + " into " + zone,
                "booting zone " + zone));
        int done = 0;
        try {
            network.before(record);
            progress.step(steps.get(done), done, steps.size());
            record.add(ZoneUndo.of(ZoneUndo.Kind.ZONE, zone));
            configure(zone, ZonecfgScript.render(config));
            done++;
            if (templateZone == null) {
                ensureTemplate(progress, steps, done);
            }
            progress.step(steps.get(done), done, steps.size());
            withProfile(zone, profile -> admin.cloneFrom(zone, source(), profile));
            writeNodename();
            done++;
            progress.step(steps.get(done), done, steps.size());
            admin.boot(zone);
            network.after(record);
        } catch (RuntimeException e) {
            RuntimeException undo = record.undoAll(admin, host);
            if (undo != null) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /**
     * Runs a zoneadm install or clone with the system configuration profile the brand needs
     * (Solaris 11.4 brand solaris: {@link ZoneSysconfig}), written for the call and removed after it.
     */
    private void withProfile(String forZone, java.util.function.Consumer<Path> call) {
        if (!ZoneSysconfig.needed(config.brand())) {
            call.accept(null);
            return;
        }
        Path profile = ZoneSysconfig.write(workDir, forZone, forZone.equals(zone) ? nodename : forZone);
        try {
            call.accept(profile);
        } finally {
            try {
                Files.deleteIfExists(profile);
            } catch (IOException e) {
                // a profile holds no secret (root's password is locked); the next write replaces it
            }
        }
    }

    private String source() {
        return templateZone != null ? templateZone : template.name();
    }

    /**
     * Installs the template unless it is: under a file lock, so concurrent isola processes install it
     * once. A failed install removes the half-made template. Templates are never undone: they are the cache.
     */
    private void ensureTemplate(ProgressListener progress, List<String> steps, int done) {
        Path lock = workDir.resolve(template.name() + ".lock");
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l = ch.lock()) {
            var t = admin.find(template.name());
            if (t.isPresent() && t.get().state().equals("installed")) {
                return;
            }
            steps.add(done, "installing template zone " + template.name() + " (brand " + template.config().brand()
                    + "; minutes, once per configuration)");
            progress.step(steps.get(done), done, steps.size());
            try {
                configure(template.name(), ZonecfgScript.render(template.config()));
                withProfile(template.name(), profile -> admin.install(template.name(), profile));
            } catch (RuntimeException e) {
                try {
                    admin.destroy(template.name());
                } catch (RuntimeException u) {
                    e.addSuppressed(u);
                }
                throw e;
            }
            steps.remove(done);
        } catch (IOException e) {
            throw new IsolationException("cannot lock " + lock + ": " + e, e);
        }
    }

    private void configure(String name, String script) {
        Path f = workDir.resolve(name + ".zonecfg");
        try {
            Files.writeString(f, script, StandardCharsets.UTF_8);
            admin.configure(name, f.toString());
        } catch (IOException e) {
            throw new IsolationException("cannot write " + f + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // in the 0700 runtime directory; the next configure overwrites it
            }
        }
    }

    /**
     * illumos takes the hostname from {@code /etc/nodename} in the zone root (the reference's §11).
     * Written before the first boot, into a fresh clone no zone process has touched; a symbolic link
     * there is refused rather than followed out of the zone.
     */
    private void writeNodename() {
        Path etc = root().resolve("etc");
        Path f = etc.resolve("nodename");
        try {
            if (Files.isSymbolicLink(etc) || Files.isSymbolicLink(f)) {
                throw new IsolationException(f + " is a symbolic link in the clone of " + source() + "; refusing to follow it");
            }
            if (Files.isDirectory(etc, LinkOption.NOFOLLOW_LINKS)) {
                Files.writeString(f, nodename + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IsolationException("cannot write " + f + ": " + e, e);
        }
    }

    /**
     * Halts, uninstalls and deletes the zone and undoes the host-side network.
     *
     * @throws IsolationException when something could not be undone (the record keeps it for the sweep)
     */
    void destroy() {
        RuntimeException e = record.undoAll(admin, host);
        if (e != null) {
            throw e;
        }
    }
}
