// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.MountSpec;
import isola.api.SpecValidationException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Parses {@code --volume} and {@code --tmpfs} values into mounts; every error names the whole value. */
final class MountOptions {
    private static final Pattern OCTAL_MODE = Pattern.compile("[0-7]{1,4}");

    private MountOptions() {
    }

    /**
     * Parses {@code SRC:DST[:ro|rw]}. A relative SRC is taken against {@code cwd}, as Docker does
     * for bind mounts; DST is a path inside the sandbox and must be absolute without {@code ..}.
     *
     * @param text the option's value
     * @param cwd the caller's working directory
     * @return a bind mount, read-write unless {@code :ro}
     * @throws SpecValidationException when the value is malformed
     */
    static MountSpec volume(String text, Path cwd) {
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw invalid("--volume", text, "expected SRC:DST[:ro|rw]");
        }
        if (parts[0].isEmpty()) {
            throw invalid("--volume", text, "the source is empty");
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            readOnly = switch (parts[2]) {
                case "ro" -> true;
                case "rw" -> false;
                default -> throw invalid("--volume", text, "unknown mode \"" + parts[2] + "\" (expected ro or rw)");
            };
        }
        Path source;
        try {
            source = cwd.resolve(parts[0]).normalize();
        } catch (InvalidPathException e) {
            throw invalid("--volume", text, "the source is not a valid path: " + e.getReason());
        }
        try {
            return MountSpec.bind(source, parts[1], readOnly);
        } catch (SpecValidationException e) {
            throw invalid("--volume", text, e.getMessage());
        }
    }

    /**
     * Parses {@code DST[:OPT[,OPT]...]} with options {@code size=SIZE} ({@link SizeParser}),
     * {@code mode=OCTAL}, {@code ro} and {@code rw}. Any other option (Docker also takes
     * {@code noexec}, {@code nosuid}...) is refused rather than dropped, so a mount is never weaker
     * than asked.
     *
     * @param text the option's value
     * @return a tmpfs mount: the backend's default size and mode 1777 unless given
     * @throws SpecValidationException when the value is malformed
     */
    static MountSpec tmpfs(String text) {
        int colon = text.indexOf(':');
        String destination = colon < 0 ? text : text.substring(0, colon);
        long size = 0;
        int mode = -1;
        boolean readOnly = false;
        if (colon >= 0) {
            for (String opt : text.substring(colon + 1).split(",", -1)) {
                if (opt.startsWith("size=")) {
                    try {
                        size = SizeParser.parse(opt.substring(5));
                    } catch (SpecValidationException e) {
                        throw invalid("--tmpfs", text, e.getMessage());
                    }
                    if (size == 0) {
                        throw invalid("--tmpfs", text, "size must be positive");
                    }
                } else if (opt.startsWith("mode=")) {
                    String m = opt.substring(5);
                    if (!OCTAL_MODE.matcher(m).matches()) {
                        throw invalid("--tmpfs", text, "mode must be octal such as 1777 or 0700, got \"" + m + "\"");
                    }
                    mode = Integer.parseInt(m, 8);
                } else if (opt.equals("ro") || opt.equals("rw")) {
                    readOnly = opt.equals("ro");
                } else {
                    throw invalid("--tmpfs", text, "unknown option \"" + opt + "\" (expected size=SIZE, mode=OCTAL, ro or rw)");
                }
            }
        }
        try {
            return new MountSpec(MountSpec.Type.TMPFS, null, destination, readOnly, size, mode);
        } catch (SpecValidationException e) {
            throw invalid("--tmpfs", text, e.getMessage());
        }
    }

    private static SpecValidationException invalid(String option, String text, String why) {
        return new SpecValidationException("invalid " + option + " \"" + text + "\": " + why);
    }
}
