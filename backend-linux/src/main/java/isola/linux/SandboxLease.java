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
import java.util.Map;
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
    /** The leases of this JVM's open sandboxes, to answer {@link #liveInit} without opening their files. */
    private static final Map<Path, SandboxLease> OURS = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final StringBuilder record = new StringBuilder();
    private volatile long initPid;

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
                SandboxLease lease = new SandboxLease(file, ch, lock);
                OURS.put(file, lease);
                return lease;
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
        if (!dirs.isEmpty()) {
            append(String.join("\n", dirs.stream().map(d -> "cgroup " + d).toList()));
        }
    }

    /**
     * Replaces the cgroups the record lists (a pool's record, whose list shrinks as well as grows).
     *
     * @param dirs cgroup directories
     */
    synchronized void rewriteCgroups(List<Path> dirs) {
        record.setLength(0);
        dirs.forEach(d -> record.append("cgroup ").append(d).append('\n'));
        try {
            ByteBuffer b = ByteBuffer.wrap(record.toString().getBytes(StandardCharsets.UTF_8));
            channel.truncate(b.remaining());
            while (b.hasRemaining()) {
                channel.write(b, b.position());
            }
        } catch (IOException e) {
            throw new IsolationException("cannot write the lease " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records the sandbox's init, so that other sandboxes (in other processes too) can share its
     * namespaces: {@code init <pid> <start time>}, the start time guarding against a reused pid.
     *
     * @param pid the init's host pid
     */
    void recordInit(long pid) {
        long start = startTime(pid);
        append("init " + pid + " " + start);
        initPid = pid;
    }

    /**
     * Adds lines to the record. Not forced to disk: the record must outlive its owner's death, which
     * the page cache does, not the machine's, which no cgroup or process it lists survives either. An
     * fdatasync per line cost 0.3 to 3 ms each on the spawn path (six per limited sandbox on v1).
     * The record only grows, so rewriting it from offset 0 needs no truncation.
     */
    private synchronized void append(String lines) {
        record.append(lines).append('\n');
        try {
            ByteBuffer b = ByteBuffer.wrap(record.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b, b.position());
            }
        } catch (IOException e) {
            throw new IsolationException("cannot write the lease " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param dir the leases directory
     * @param id a sandbox id
     * @return the host pid of that live sandbox's init
     * @throws IsolationException when no sandbox of that id is running (in any process of this user)
     */
    static long liveInit(Path dir, String id) {
        Path file = dir.resolve(id + SUFFIX);
        SandboxLease ours = OURS.get(file);
        if (ours != null) {
            if (ours.initPid == 0) {
                throw new IsolationException("sandbox " + id + " has not started yet: start it before sharing its "
                        + "network");
            }
            return ours.initPid;
        }
        String text;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe != null) {
                throw new IsolationException("no running sandbox " + id + " (its owner has exited)");
            }
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
            ch.read(b, 0);
            text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IsolationException("no running sandbox " + id);
        } catch (IOException e) {
            throw new IsolationException("cannot read the lease of sandbox " + id + ": " + e.getMessage(), e);
        }
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3 && f[0].equals("init")) {
                long pid = Long.parseLong(f[1]);
                if (startTime(pid) != Long.parseLong(f[2])) {
                    throw new IsolationException("sandbox " + id + " is no longer running (its init " + pid
                            + " is gone)");
                }
                return pid;
            }
        }
        throw new IsolationException("sandbox " + id + " has not started yet: start it before sharing its network");
    }

    /** @return the lease's file */
    Path file() {
        return file;
    }

    /**
     * @param file a lease file
     * @return whether a live sandbox (in this JVM or another process) holds it
     */
    static boolean isLive(Path file) {
        if (!HELD.add(file)) {
            return true;
        }
        // claimed in HELD first: opening and closing a file this JVM holds locked would drop its lock
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.tryLock() == null;
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            return true;
        } finally {
            HELD.remove(file);
        }
    }

    /** @return a process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or -1 */
    static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
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
        OURS.remove(file);
        HELD.remove(file);
    }

    /** Releases the id but keeps the record, for a sweep to finish what close could not remove. */
    void release() {
        closeQuietly(channel);
        OURS.remove(file);
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
                // read through the locked channel: closing any other descriptor of the file would drop the lock
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
                ch.read(b, 0);
                List<Path> cgroups = new ArrayList<>();
                for (String line : new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).split("\n")) {
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
