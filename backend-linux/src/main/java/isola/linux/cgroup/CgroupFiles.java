// SPDX-License-Identifier: Apache-2.0
package isola.linux.cgroup;

import isola.api.IsolationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reading and writing cgroup control files, with messages that name the file and the value. */
final class CgroupFiles {
    private CgroupFiles() {
    }

    /** Where a controller's writes go. */
    @FunctionalInterface
    interface Writer {
        /** @param dir the cgroup @param file the control file @param value what to write */
        void write(Path dir, String file, String value);
    }

    /**
     * Writes that remember what each replaced, so that a change failing half-way can be put back:
     * {@link #undo} writes the old values in reverse order (which also keeps v1's limit &lt;= memsw at
     * every step). For a per-device file the old value is that device's line, or the "no throttle"
     * entry when it had none.
     */
    static final class Journal implements Writer {
        private final java.util.Deque<String[]> done = new java.util.ArrayDeque<>();

        @Override
        public void write(Path dir, String file, String value) {
            String before = previous(dir, file, value);
            CgroupFiles.write(dir, file, value);
            done.push(new String[] {dir.toString(), file, before});
        }

        /** Puts every written file back, newest first; a failure to do so is added to {@code cause}. */
        void undo(RuntimeException cause) {
            while (!done.isEmpty()) {
                String[] w = done.pop();
                try {
                    CgroupFiles.write(Path.of(w[0]), w[1], w[2]);
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }

        private static String previous(Path dir, String file, String value) {
            String text = read(dir, file);
            if (text == null) {
                throw new IsolationException("cannot read " + dir.resolve(file) + " to remember its value");
            }
            boolean perDevice = file.equals("io.max") || file.startsWith("blkio.throttle.");
            if (!perDevice) {
                // io.weight reads "default N" and per-device lines: the default line is what was written
                return file.equals("io.weight") ? text.lines().filter(x -> x.startsWith("default ")).findFirst()
                        .orElse("default 100") : text;
            }
            String device = value.split(" ", 2)[0];
            return text.lines().filter(x -> x.startsWith(device + " ")).findFirst()
                    .orElse(file.equals("io.max") ? device + " rbps=max wbps=max riops=max wiops=max" : device + " 0");
        }
    }

    static void write(Path dir, String file, String value) {
        Path p = dir.resolve(file);
        try {
            Files.write(p, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new IsolationException("failed to write \"" + value + "\" to " + p + ": the file does not exist "
                    + "(the kernel lacks this cgroup feature)");
        } catch (IOException e) {
            throw new IsolationException("failed to write \"" + value + "\" to " + p + ": " + e.getMessage());
        }
    }

    /** @return the number in a one-number file, or -1; through a plain stream (no file system provider) */
    static long quickNumber(Path file) {
        byte[] b = new byte[32];
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toString())) {
            int n = in.read(b);
            return n <= 0 ? -1 : parse(new String(b, 0, n, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            return -1;
        }
    }

    /** @return whether a file reads empty (false too when it cannot be read); through a plain stream */
    static boolean quickEmpty(Path file) {
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toString())) {
            return in.read() < 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return whether the value was written to the file (one the kernel made: cgroupfs makes none on open); through a plain stream */
    static boolean quickWrite(Path file, String value) {
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(file.toString())) {
            out.write(value.getBytes(StandardCharsets.US_ASCII));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String read(Path dir, String file) {
        try {
            return Files.readString(dir.resolve(file), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** @return the number after {@code key } in a flat keyed file such as memory.events, or -1 */
    static long keyed(Path dir, String file, String key) {
        String text = read(dir, file);
        if (text == null) {
            return -1;
        }
        for (String line : text.split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[0].equals(key)) {
                return parse(kv[1]);
            }
        }
        return -1;
    }

    static long number(Path dir, String file) {
        String s = read(dir, file);
        return s == null ? -1 : parse(s);
    }

    private static long parse(String s) {
        try {
            return s.equals("max") ? Long.MAX_VALUE : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return "MAJOR:MINOR" of a block device node */
    static String deviceNumber(String device) {
        try {
            long rdev = ((Number) Files.getAttribute(Path.of(device), "unix:rdev")).longValue();
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            if (rdev == 0) {
                throw new IsolationException("I/O throttle device " + device + " is not a device node");
            }
            return major + ":" + minor;
        } catch (IOException e) {
            throw new IsolationException("I/O throttle device " + device + " cannot be read: " + e.getMessage());
        }
    }
}
