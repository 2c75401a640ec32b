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
