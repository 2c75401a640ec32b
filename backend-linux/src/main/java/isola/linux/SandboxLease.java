// SPDX-License-Identifier: Apache-2.0
package isola.linux;

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
import java.util.function.Consumer;

/**
 * A sandbox's claim on its id, and the record of what it made on the host that outlives a crash:
 * {@code <runtime dir>/sandboxes/<id>.lease}, a file holding one {@code cgroup <dir>} line per
 * cgroup, kept locked (an fcntl lock the kernel drops when the process dies) while the sandbox is
 * open. Two live sandboxes cannot share an id, in one JVM or across processes. A lease whose lock
 * can be taken belongs to a process that died without closing its sandbox: {@link #sweep} removes
 * what it lists. Namespaces, mounts and processes need no record: they die with the sandbox's init.
 */
final class SandboxLease implements AutoCloseable {
    static final String SUFFIX = ".lease";
    /**
     * Leases this JVM holds. fcntl locks belong to the process, and closing any descriptor of a file
     * drops them all, so a lease held here must never be opened a second time by this JVM.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private SandboxLease(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param dir the leases directory (private to the caller)
     * @param id the sandbox id
     * @return the lease, held
     * @throws IsolationException when a live sandbox already has this id
     */
    static SandboxLease acquire(Path dir, String id) {
        Path file = dir.resolve(id + SUFFIX);
        if (!HELD.add(file)) {
            throw inUse(id, file);
        }
        try {
            return take(file, id);
        } catch (RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    private static IsolationException inUse(String id, Path file) {
        return new IsolationException("sandbox id " + id + " is in use by a running sandbox (its lease " + file
                + " is held); close that sandbox or choose another id");
    }

    private static SandboxLease take(Path file, String id) {
        for (int attempt = 0; attempt < 10; attempt++) {
            FileChannel ch = null;
            try {
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException sameJvm) {
                    lock = null;
                }
                if (lock == null) {
                    ch.close();
                    throw inUse(id, file);
                }
                if (!Files.exists(file)) {
                    // a sweep removed the file between our open and our lock: the lock is on a dead inode
                    lock.release();
                    ch.close();
                    continue;
                }
                ch.truncate(0);
                return new SandboxLease(file, ch, lock);
            } catch (IOException e) {
                closeQuietly(ch);
                throw new IsolationException("cannot take the lease " + file + " for sandbox " + id + ": "
                        + e.getMessage(), e);
            }
        }
        throw new IsolationException("cannot take the lease " + file + ": it keeps being removed by a concurrent sweep");
    }

    /**
     * Records cgroups before they are made, so that a crash at any point leaves them findable.
     *
     * @param dirs cgroup directories
     */
    void recordCgroups(List<Path> dirs) {
        StringBuilder sb = new StringBuilder();
        for (Path d : dirs) {
            sb.append("cgroup ").append(d).append('\n');
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            throw new IsolationException("cannot write the lease " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the record and releases the id. Call after what it lists is removed. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the lock is released below; a leftover file is swept as empty
        }
        closeQuietly(channel);
        HELD.remove(file);
    }

    /** Releases the id but keeps the record, for a sweep to finish what close could not remove. */
    void release() {
        closeQuietly(channel);
        HELD.remove(file);
    }

    /**
     * Removes what the leases of dead owners list, then the leases.
     *
     * @param dir the leases directory
     * @param removeCgroups removes the listed cgroup directories (may throw; the lease is then kept)
     * @return the ids swept
     */
    static List<String> sweep(Path dir, Consumer<List<Path>> removeCgroups) {
        List<String> swept = new ArrayList<>();
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList();
        } catch (NoSuchFileException none) {
            return swept;
        } catch (IOException e) {
            return swept;
        }
        for (Path f : files) {
            if (!HELD.add(f)) {
                continue;
            }
            try {
                sweepOne(f, removeCgroups, swept);
            } finally {
                HELD.remove(f);
            }
        }
        return swept;
    }

    private static void sweepOne(Path f, Consumer<List<Path>> removeCgroups, List<String> swept) {
        {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException ours) {
                    return;
                }
                if (lock == null) {
                    return;
                }
                List<Path> cgroups = new ArrayList<>();
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.startsWith("cgroup /")) {
                        cgroups.add(Path.of(line.substring("cgroup ".length())));
                    }
                }
                try {
                    removeCgroups.accept(cgroups);
                } catch (IsolationException stillBusy) {
                    return;
                }
                Files.deleteIfExists(f);
                String n = f.getFileName().toString();
                swept.add(n.substring(0, n.length() - SUFFIX.length()));
            } catch (NoSuchFileException raced) {
                // another sweep took it
            } catch (IOException ignored) {
                // unreadable: left for the next sweep
            }
        }
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
