// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import isola.api.IsolationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sandbox's claim on its id and the crash record of everything it did on the host:
 * {@code <state dir>/<id>.jail}, one {@link Undo} line per action, written (and forced to disk)
 * <em>before</em> the action, kept locked with an fcntl lock that the kernel drops when the owner
 * dies. A record whose lock can be taken belongs to a dead owner: {@link #sweep} replays its undos
 * in reverse. Unlike Linux namespaces, nothing of a jail dies with a process: mounts, rctl rules,
 * epairs, aliases, pf anchors and ZFS clones all outlive it, so all of them are recorded.
 */
public final class JailRecord implements AutoCloseable {
    static final String SUFFIX = ".jail";
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final List<Undo> undos = new ArrayList<>();

    private JailRecord(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * @param dir the state directory
     * @param id the sandbox id
     * @return the record, held and empty
     * @throws IsolationException when a live sandbox has this id
     */
    public static JailRecord acquire(Path dir, String id) {
        Path file = dir.resolve(id + SUFFIX);
        if (!HELD.add(file)) {
            throw inUse(id, file);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw inUse(id, file);
            }
            if (ch.size() > 0) {
                // a dead owner's record under our id: finish its undo before reusing the id
                List<Undo> old = read(ch);
                ch.truncate(0);
                JailRecord r = new JailRecord(file, ch);
                r.undos.addAll(old);
                r.write();
                return r;
            }
            return new JailRecord(file, ch);
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(ch);
            HELD.remove(file);
            throw new IsolationException("cannot take the record " + file + " for sandbox " + id + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            HELD.remove(file);
            throw e;
        }
    }

    private static IsolationException inUse(String id, Path file) {
        return new IsolationException("sandbox id " + id + " is in use by a running sandbox (its record " + file
                + " is held); close that sandbox or choose another id");
    }

    /** @param u an action about to be done */
    public synchronized void add(Undo u) {
        undos.add(u);
        write();
    }

    /** @param u an action that turned out not to have happened (and must not be undone) */
    public synchronized void remove(Undo u) {
        int i = undos.lastIndexOf(u);
        if (i >= 0) {
            undos.remove(i);
            write();
        }
    }

    /** @return the undos still to do, oldest first */
    public synchronized List<Undo> undos() {
        return List.copyOf(undos);
    }

    /** @param remaining the undos that failed, kept for a later sweep */
    synchronized void keepOnly(List<Undo> remaining) {
        undos.clear();
        undos.addAll(remaining);
        write();
    }

    private void write() {
        StringBuilder b = new StringBuilder();
        for (Undo u : undos) {
            b.append(u.line()).append('\n');
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            throw new IsolationException("cannot write the record " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Undo> read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
        ch.read(b, 0);
        List<Undo> out = new ArrayList<>();
        for (String line : new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).split("\n")) {
            Undo u = line.isEmpty() ? null : Undo.parse(line);
            if (u != null) {
                out.add(u);
            }
        }
        return out;
    }

    /** Deletes the record and releases the id: everything it listed is undone. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // an empty leftover is swept
        }
        closeQuietly(channel);
        HELD.remove(file);
    }

    /** Releases the id but keeps the record for a later sweep. */
    void release() {
        closeQuietly(channel);
        HELD.remove(file);
    }

    /**
     * Replays the records of dead owners, newest action first; a record whose undo fails stays.
     *
     * @param dir the state directory
     * @param n the kernel calls
     * @param tools the base tools
     * @return the ids swept clean
     */
    public static List<String> sweep(Path dir, JailNative n, HostTools tools) {
        List<String> swept = new ArrayList<>();
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            return swept;
        }
        for (Path f : files) {
            if (!HELD.add(f)) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    continue;
                }
                List<Undo> undos = read(ch);
                List<Undo> failed = undoAll(undos, n, tools, null);
                if (failed.isEmpty()) {
                    Files.deleteIfExists(f);
                    String name = f.getFileName().toString();
                    swept.add(name.substring(0, name.length() - SUFFIX.length()));
                }
            } catch (NoSuchFileException raced) {
                // another sweep took it
            } catch (IOException | OverlappingFileLockException ignored) {
                // left for the next sweep
            } finally {
                HELD.remove(f);
            }
        }
        return swept;
    }

    /**
     * Runs undos newest first, going on past failures.
     *
     * @param undos oldest first
     * @param n the kernel calls
     * @param tools the base tools
     * @param errors collects the failures, or null
     * @return the undos that failed, oldest first
     */
    static List<Undo> undoAll(List<Undo> undos, JailNative n, HostTools tools, List<String> errors) {
        List<Undo> failed = new ArrayList<>();
        for (int i = undos.size() - 1; i >= 0; i--) {
            try {
                undos.get(i).run(n, tools);
            } catch (RuntimeException e) {
                failed.add(0, undos.get(i));
                if (errors != null) {
                    errors.add(e.getMessage());
                }
            }
        }
        return failed;
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
