// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Emptied cgroup v1 groups of closed sandboxes, kept a few seconds for the next sandbox with the
 * same parent and limits. On cgroup v1 every limited sandbox has a directory in four or five
 * hierarchies; making and removing them cost about 0.35 ms of kernel time per sandbox here, plus
 * the JVM's file calls around them, while renaming a kept group to the next sandbox's id and back
 * costs a tenth of that. A kept group has nothing in it: its processes are gone, its limits are the
 * ones the next sandbox asks for (only an identical {@link Limits} takes it), its peak memory and
 * CPU time counters are reset, and the counters that cannot be reset (OOM kills, pids limit hits)
 * are carried over as the next sandbox's zero.
 *
 * <p>While kept, a group is named {@code <parent>/pool-<pid>-<n>} and listed in the pool's record
 * (a lease like a sandbox's, so that a crash leaves it for the next start's sweep). Groups idle
 * longer than {@link #IDLE_SECONDS} seconds are removed, all of them on {@link #drain} (called at
 * JVM exit). cgroup v2 groups are never kept: {@code memory.peak} cannot be reset for everyone,
 * and one directory per sandbox costs little there.
 */
public final class CgroupPool {
    /** How long an emptied group waits for a taker before it is removed. */
    public static final long IDLE_SECONDS = 5;
    /** The most groups kept when no capacity is configured. */
    public static final int DEFAULT_CAPACITY = 4;
    /**
     * Memory still charged to an emptied group (page cache its sandbox read first, kernel objects)
     * above which it is removed rather than kept: the next sandbox would start with that much counted.
     */
    static final long MAX_LEFT_CHARGED = 4L << 20;
    private static final ScheduledExecutorService TRIMMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "isola-cgroup-pool");
        t.setDaemon(true);
        return t;
    });

    private final int capacity;
    private final String prefix;
    private final Consumer<List<Path>> record;
    private final ArrayDeque<Kept> kept = new ArrayDeque<>();
    private final List<Path> arriving = new ArrayList<>();
    private final List<Path> stuck = new ArrayList<>();
    private int arrivingGroups;
    private long serial;
    private ScheduledFuture<?> trim;

    /** An emptied group: its directories by controller. */
    record Kept(String parent, Limits limits, Map<String, Path> dirs, long since) {
    }

    /**
     * @param capacity the most groups kept at once (0 keeps none)
     * @param prefix names kept groups get, followed by a serial number: unique to this pool among
     *     everything that makes cgroups under the same parents (isola uses {@code pool-<pid>-<n>-})
     * @param record told every kept directory, and every directory about to become one, whenever
     *     that list changes: the crash record
     */
    public CgroupPool(int capacity, String prefix, Consumer<List<Path>> record) {
        this.capacity = capacity;
        this.prefix = prefix;
        this.record = record;
    }

    /**
     * Hands a kept group with this parent and these limits to a new sandbox, renamed to its id.
     *
     * @param mounts the layout the group was made on
     * @param parent the parent path under each hierarchy's root
     * @param id the new sandbox's id
     * @param l its limits
     * @param sandboxRecord the new sandbox's crash record, told the new names before any rename
     * @return the group, or null when none fits (or renaming it failed: it is then removed)
     */
    SandboxCgroups take(CgroupMounts mounts, String parent, String id, Limits l, Consumer<List<Path>> sandboxRecord) {
        Kept k;
        synchronized (this) {
            k = null;
            for (Iterator<Kept> it = kept.descendingIterator(); it.hasNext();) {
                Kept c = it.next();
                if (c.parent().equals(parent) && c.limits().equals(l)) {
                    k = c;
                    it.remove();
                    break;
                }
            }
            if (k == null) {
                return null;
            }
        }
        Map<String, Path> dirs = new LinkedHashMap<>();
        k.dirs().forEach((c, d) -> dirs.put(c, d.resolveSibling(id)));
        sandboxRecord.accept(dirs.values().stream().distinct().toList());
        List<Path> moved = new ArrayList<>();
        for (Path from : k.dirs().values().stream().distinct().toList()) {
            if (!rename(from, from.resolveSibling(id))) {
                // a directory of that name exists (a crash's leftover): give the group up, make a fresh one
                List<Path> all = new ArrayList<>(k.dirs().values().stream().distinct().toList());
                moved.forEach(m -> all.add(m.resolveSibling(id)));
                removeOrRecord(all);
                synchronized (this) {
                    rewrite();
                }
                return null;
            }
            moved.add(from);
        }
        // the pool's record still lists the old names: harmless (nothing has them now), compacted on the next keep
        return new SandboxCgroups(mounts, dirs, parent, l, true);
    }

    /**
     * First half of keeping a closing sandbox's group, done while its processes are still being
     * killed (a rename does not care what is inside): renames its directories to a pool name, which
     * the pool's record lists before the first rename.
     *
     * @param cg the group; its directories are renamed, and it knows them by their new names after
     * @return the name to pass to {@link #keep}, or null when the group is not to be kept (then it
     *     still has its old names, and the caller removes it)
     */
    String reserve(SandboxCgroups cg) {
        if (capacity <= 0 || !cg.reusable()) {
            return null;
        }
        String name;
        List<Path> from = cg.directories();
        List<Path> future;
        synchronized (this) {
            if (kept.size() + arrivingGroups >= capacity) {
                return null;
            }
            arrivingGroups++;
            name = prefix + (++serial);
            future = from.stream().map(d -> d.resolveSibling(name)).toList();
            arriving.addAll(future);
            rewrite();
        }
        int done = 0;
        while (done < from.size() && rename(from.get(done), future.get(done))) {
            done++;
        }
        if (done == from.size()) {
            cg.renamed(name);
            return name;
        }
        // a name taken (a crash's leftover): put back what was renamed, and the caller removes the group
        List<Path> lost = new ArrayList<>();
        for (int i = 0; i < done; i++) {
            if (!rename(future.get(i), from.get(i))) {
                lost.add(future.get(i));
            }
        }
        synchronized (this) {
            arriving.removeAll(future);
            arrivingGroups--;
            stuck.addAll(lost);
            rewrite();
        }
        return null;
    }

    /**
     * Second half: once the sandbox's processes are gone, keeps the group if it can serve as new,
     * else removes it (or, if even that fails, leaves it listed for the next start's sweep).
     *
     * @param cg the group, renamed by {@link #reserve}
     * @param name what {@link #reserve} returned
     */
    void keep(SandboxCgroups cg, String name) {
        List<Path> dirs = cg.directories();
        boolean ok = cg.resetForReuse();
        if (!ok) {
            removeOrRecord(dirs);
        }
        synchronized (this) {
            arriving.removeAll(dirs);
            arrivingGroups--;
            if (ok) {
                kept.addLast(new Kept(cg.parent(), cg.limits(), new LinkedHashMap<>(cg.dirsByController()), System.nanoTime()));
                scheduleTrim();
            } else {
                rewrite();
            }
        }
    }

    /**
     * Both halves at once, for a group whose processes are gone.
     *
     * @return whether it was kept (false: not taken, the caller removes it)
     */
    boolean keep(SandboxCgroups cg) {
        String name = reserve(cg);
        if (name == null) {
            return false;
        }
        keep(cg, name);
        return cg.directories().stream().allMatch(java.nio.file.Files::isDirectory);
    }

    /** rename(2), without the checks of {@code Files.move}: a cgroup directory is renamed in place or not at all. */
    private static boolean rename(Path from, Path to) {
        return from.toFile().renameTo(to.toFile());
    }

    /**
     * Removes every kept group.
     *
     * @return whether all are gone (false: some are left in the record for the next start's sweep)
     */
    public boolean drain() {
        List<Kept> all;
        synchronized (this) {
            all = new ArrayList<>(kept);
            kept.clear();
        }
        remove(all);
        synchronized (this) {
            return stuck.isEmpty() && arriving.isEmpty();
        }
    }

    /** @return the directories of the groups kept now */
    public synchronized List<Path> keptDirectories() {
        List<Path> out = new ArrayList<>();
        kept.forEach(k -> out.addAll(k.dirs().values().stream().distinct().toList()));
        return out;
    }

    private void remove(List<Kept> gone) {
        for (Kept k : gone) {
            removeOrRecord(k.dirs().values().stream().distinct().toList());
        }
        synchronized (this) {
            rewrite();
        }
    }

    /** Removes directories; what cannot be removed stays in the record for the next start's sweep. */
    private void removeOrRecord(List<Path> dirs) {
        try {
            SandboxCgroups.removeAll(dirs);
        } catch (RuntimeException e) {
            synchronized (this) {
                stuck.addAll(dirs);
            }
        }
    }

    private void trimIdle() {
        long now = System.nanoTime();
        List<Kept> old = new ArrayList<>();
        synchronized (this) {
            trim = null;
            for (Iterator<Kept> it = kept.iterator(); it.hasNext();) {
                Kept k = it.next();
                if (now - k.since() >= TimeUnit.SECONDS.toNanos(IDLE_SECONDS)) {
                    old.add(k);
                    it.remove();
                }
            }
            if (!kept.isEmpty()) {
                scheduleTrim();
            }
        }
        remove(old);
    }

    private void scheduleTrim() {
        if (trim == null) {
            trim = TRIMMER.schedule(this::trimIdle, IDLE_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void rewrite() {
        List<Path> all = new ArrayList<>(arriving);
        all.addAll(stuck);
        kept.forEach(k -> all.addAll(k.dirs().values().stream().distinct().toList()));
        record.accept(all);
    }
}
