// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import isola.api.IsolationException;
import isola.api.SpecValidationException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The addresses of one bridge's sandboxes, leased in a private directory: one file per address
 * ({@code <dir>/<address>}) holding its owner's id and what was made for it (its veth, its
 * published ports), so that a sweep can undo the work of an owner that crashed. Every change
 * happens under {@link #locked}: a lock in this JVM (fcntl locks do not exclude threads of one
 * process) around an fcntl lock on {@code <dir>/lock}, which excludes other processes (CLI
 * invocations) and is dropped by the kernel when its holder dies.
 */
public final class AddressLeases {
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    static final String LOCK = "lock";
    /** The offset of the address handed out last, where the round robin resumes. */
    static final String NEXT = "next";

    private final Path dir;
    private final Cidr range;

    /**
     * @param dir the bridge's directory (created if missing; its parent must be private)
     * @param range the bridge's address range
     */
    public AddressLeases(Path dir, Cidr range) {
        this.dir = dir;
        this.range = range;
    }

    /**
     * One leased address and its record.
     *
     * @param address the address
     * @param owner the sandbox id
     * @param lines the other record lines ({@code veth NAME}, {@code port ...})
     */
    public record Lease(InetAddress address, String owner, List<String> lines) {
    }

    /** @return the range addresses come from */
    public Cidr range() {
        return range;
    }

    /** @return the directory of the leases */
    public Path dir() {
        return dir;
    }

    /**
     * Runs an action holding the lock of this bridge, against threads and other processes.
     *
     * @param action what to do
     * @param <T> its result
     * @return its result
     */
    public <T> T locked(Supplier<T> action) {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new ReentrantLock());
        jvm.lock();
        try {
            if (jvm.getHoldCount() > 1) {
                return action.get();
            }
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    var l = ch.lock()) {
                return action.get();
            }
        } catch (IOException e) {
            throw new IsolationException("cannot lock the address leases in " + dir + ": " + e.getMessage(), e);
        } finally {
            jvm.unlock();
        }
    }

    /**
     * Leases an address: the one asked for, or the next free one (round robin). Call under {@link #locked}.
     *
     * @param owner the sandbox id
     * @param requested the address asked for, or null to allocate
     * @return the address, now recorded as the owner's
     * @throws SpecValidationException when the address asked for is not in the range or reserved
     * @throws IsolationException when it is in use, or the range is full
     */
    public InetAddress lease(String owner, InetAddress requested) {
        requireLocked();
        Set<InetAddress> used = new HashSet<>();
        for (Lease l : leases()) {
            used.add(l.address());
        }
        InetAddress a;
        if (requested != null) {
            if (!range.contains(requested)) {
                throw new SpecValidationException("address " + requested.getHostAddress() + " is outside the bridge's range "
                        + range + "; choose one in the range or configure another range");
            }
            if (!range.assignable(requested)) {
                throw new SpecValidationException("address " + requested.getHostAddress() + " is reserved in " + range
                        + " (the network, gateway or broadcast address)");
            }
            if (used.contains(requested)) {
                throw new IsolationException("address " + requested.getHostAddress() + " is in use by sandbox "
                        + owner(requested) + "; choose another or let isola allocate one");
            }
            a = requested;
        } else {
            a = next(used);
        }
        write(a, owner, List.of());
        return a;
    }

    /**
     * Round robin from the address after the last one handed out, as CNI's host-local IPAM does: an
     * address just given back is not handed out again at once, so a new sandbox never shares it with
     * the namespace of a closed one that the kernel is still tearing down (which could still answer
     * ARP for it on the bridge).
     */
    private InetAddress next(Set<InetAddress> used) {
        BigInteger size = range.size();
        BigInteger last = BigInteger.ONE;
        Path hint = dir.resolve(NEXT);
        try {
            if (Files.exists(hint)) {
                last = new BigInteger(Files.readString(hint).strip());
            }
        } catch (IOException | NumberFormatException e) {
            last = BigInteger.ONE;
        }
        BigInteger off = last;
        for (long tried = 0; tried < Math.min(size.longValue(), 1L << 24); tried++) {
            off = off.add(BigInteger.ONE);
            if (off.compareTo(size) >= 0) {
                off = BigInteger.TWO;
            }
            InetAddress c = range.at(off);
            if (range.assignable(c) && !used.contains(c)) {
                try {
                    Files.writeString(hint, off.toString(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IsolationException("cannot record the next address in " + hint + ": " + e.getMessage(), e);
                }
                return c;
            }
        }
        throw new IsolationException("no free address left in " + range + " (" + used.size()
                + " in use); close sandboxes or configure a larger range");
    }

    /**
     * Rewrites a lease's record lines. Call under {@link #locked}.
     *
     * @param a the leased address
     * @param owner its owner
     * @param lines the record lines after the owner
     */
    public void write(InetAddress a, String owner, List<String> lines) {
        StringBuilder b = new StringBuilder("owner ").append(owner).append('\n');
        lines.forEach(l -> b.append(l).append('\n'));
        Path f = file(a);
        Path tmp = dir.resolve("." + f.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IsolationException("cannot record the address lease " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ends a lease. Call under {@link #locked}.
     *
     * @param a the address
     */
    public void release(InetAddress a) {
        requireLocked();
        try {
            Files.deleteIfExists(file(a));
        } catch (IOException e) {
            throw new IsolationException("cannot remove the address lease " + file(a) + ": " + e.getMessage(), e);
        }
    }

    /** @return every lease, in no particular order */
    public List<Lease> leases() {
        List<Lease> out = new ArrayList<>();
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> !p.getFileName().toString().equals(LOCK) && !p.getFileName().toString().startsWith("."))
                    .toList();
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new IsolationException("cannot list the address leases in " + dir + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            InetAddress a;
            try {
                a = Cidr.address(f.getFileName().toString());
            } catch (SpecValidationException notALease) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                String owner = lines.isEmpty() || !lines.get(0).startsWith("owner ") ? "" : lines.get(0).substring(6);
                out.add(new Lease(a, owner, lines.isEmpty() ? List.of() : List.copyOf(lines.subList(1, lines.size()))));
            } catch (NoSuchFileException raced) {
                // released meanwhile (only possible outside the lock)
            } catch (IOException e) {
                throw new IsolationException("cannot read the address lease " + f + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private String owner(InetAddress a) {
        return leases().stream().filter(l -> l.address().equals(a)).map(Lease::owner).findFirst().orElse("?");
    }

    private Path file(InetAddress a) {
        return dir.resolve(a.getHostAddress());
    }

    private void requireLocked() {
        ReentrantLock l = JVM_LOCKS.get(dir.toAbsolutePath().normalize());
        if (l == null || !l.isHeldByCurrentThread()) {
            throw new IllegalStateException("address leases of " + dir + " changed without their lock");
        }
    }
}
