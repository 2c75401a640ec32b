// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.IsolationException;
import isola.spi.HostCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash record of one sandbox zone: {@code <dir>/<zone>}, first line {@code owner PID START}
 * (the owning JVM), then one {@link ZoneUndo} per line, each appended before its action. Close
 * replays it in reverse and removes it; the sweep does the same for records whose owner is dead and
 * for sandbox zones that have no record at all (the runtime directory is on tmpfs, so a reboot
 * leaves installed zones without records).
 */
final class ZoneRecord {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneRecord.class);
    private final Path file;
    private final List<ZoneUndo> undos = new ArrayList<>();

    private ZoneRecord(Path file) {
        this.file = file;
    }

    /**
     * @param dir the records' directory
     * @param zone the sandbox zone
     * @return a fresh record owned by this JVM
     * @throws IsolationException when a live process owns the zone (the sandbox id is in use)
     */
    static ZoneRecord acquire(Path dir, String zone) {
        Path f = dir.resolve(zone);
        try {
            Files.writeString(f, ownerLine() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new ZoneRecord(f);
        } catch (FileAlreadyExistsException e) {
            if (ownerAlive(f)) {
                throw new IsolationException("zone " + zone + " belongs to a running isola process (" + owner(f)
                        + "): the sandbox id is in use");
            }
            throw new IsolationException("zone " + zone + " has the record of a dead isola process in " + dir
                    + "; the sweep on the next start removes it");
        } catch (IOException e) {
            throw new IsolationException("cannot write the record " + f + ": " + e, e);
        }
    }

    /**
     * Adds an undo before its action is done.
     *
     * @param u the undo
     */
    synchronized void add(ZoneUndo u) {
        try {
            Files.writeString(file, u.line() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new IsolationException("cannot write the record " + file + ": " + e, e);
        }
        undos.add(u);
    }

    /**
     * Undoes everything in reverse order, then removes the record; an undo that fails is logged
     * and the record kept (with what is left) for the next sweep.
     *
     * @param admin the zone tools
     * @param host the other tools
     * @return the first failure, or null
     */
    synchronized RuntimeException undoAll(ZoneAdmin admin, HostCommands host) {
        RuntimeException first = replay(undos, admin, host);
        if (first == null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                first = new IsolationException("cannot remove the record " + file + ": " + e, e);
            }
        }
        undos.clear();
        return first;
    }

    private static RuntimeException replay(List<ZoneUndo> undos, ZoneAdmin admin, HostCommands host) {
        RuntimeException first = null;
        for (int i = undos.size() - 1; i >= 0; i--) {
            try {
                undos.get(i).run(admin, host);
            } catch (RuntimeException e) {
                LOG.debug("undo {} failed", undos.get(i).line(), e);
                first = first == null ? e : first;
            }
        }
        return first;
    }

    /**
     * Removes what dead isola processes left: sandbox zones whose record's owner is dead or that
     * have no record, and the rest of those records (VNICs, NAT rules, leases). Template zones are
     * kept: they are a cache.
     *
     * @param dir the records' directory
     * @param admin the zone tools
     * @param host the other tools
     * @return what was removed, one entry per zone or record
     */
    static List<String> sweep(Path dir, ZoneAdmin admin, HostCommands host) {
        List<String> removed = new ArrayList<>();
        for (ZoneEntry z : admin.list()) {
            if (ZoneNames.isSandboxZone(z.name()) && !Files.exists(dir.resolve(z.name()))) {
                admin.destroy(z.name());
                removed.add(z.name());
            }
        }
        List<Path> records;
        try (var s = Files.list(dir)) {
            records = s.filter(p -> ZoneNames.isSandboxZone(p.getFileName().toString())).sorted().toList();
        } catch (NoSuchFileException e) {
            return removed;
        } catch (IOException e) {
            throw new IsolationException("cannot list " + dir + ": " + e, e);
        }
        for (Path r : records) {
            if (ownerAlive(r)) {
                continue;
            }
            List<ZoneUndo> undos = read(r);
            // the zone itself may be missing from its record if the crash came before it was written
            String zone = r.getFileName().toString();
            if (undos.stream().noneMatch(u -> u.kind() == ZoneUndo.Kind.ZONE)) {
                undos.add(0, ZoneUndo.of(ZoneUndo.Kind.ZONE, zone));
            }
            if (replay(undos, admin, host) == null) {
                try {
                    Files.deleteIfExists(r);
                } catch (IOException e) {
                    LOG.debug("cannot remove {}", r, e);
                }
                removed.add(zone);
            }
        }
        return removed;
    }

    private static List<ZoneUndo> read(Path r) {
        List<ZoneUndo> undos = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(r, StandardCharsets.UTF_8)) {
                ZoneUndo u = ZoneUndo.parse(line);
                if (u != null) {
                    undos.add(u);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot read {}", r, e);
        }
        return undos;
    }

    static String ownerLine() {
        ProcessHandle me = ProcessHandle.current();
        return "owner " + me.pid() + " " + me.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-");
    }

    private static String owner(Path r) {
        try {
            List<String> lines = Files.readAllLines(r, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0);
        } catch (IOException e) {
            return "";
        }
    }

    /** @return whether the process that wrote the record still runs (same pid and start time) */
    static boolean ownerAlive(Path r) {
        String[] f = owner(r).split(" ");
        if (f.length != 3 || !f[0].equals("owner")) {
            return false;
        }
        try {
            Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(f[1]));
            if (p.isEmpty() || !p.get().isAlive()) {
                return false;
            }
            String start = p.get().info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-");
            return start.equals(f[2]);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    Path file() {
        return file;
    }
}
