// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.SpecValidationException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations as Go's {@code time.ParseDuration} writes them (and so Docker and Kubernetes
 * flags): one or more decimal numbers each with a unit, {@code 500ms}, {@code 10s}, {@code 1.5s},
 * {@code 2m}, {@code 1h30m}. Units are {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m},
 * {@code h}. A bare number is refused: {@code 10} could mean seconds or milliseconds.
 */
public final class DurationParser {
    private static final Pattern TERM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");
    private static final String EXPECTED = "expected a number with a unit such as 500ms, 10s, 1.5s, 2m or 1h";
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private DurationParser() {
    }

    /**
     * @param text the duration
     * @return the duration, possibly zero
     * @throws SpecValidationException naming the text when it is malformed or too long
     */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        Matcher m = TERM.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < s.length() && m.region(at, s.length()).lookingAt()) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        if (s.isEmpty() || at != s.length()) {
            throw new SpecValidationException("malformed duration \"" + text + "\": " + EXPECTED);
        }
        nanos = nanos.setScale(0, RoundingMode.DOWN);
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new SpecValidationException("duration \"" + text + "\" is too long");
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    /**
     * Writes a duration the way {@link #parse} reads it, for messages: {@code 10s}, {@code 1.5s},
     * {@code 2m}, {@code 250ms}.
     *
     * @param d the duration
     * @return its shortest exact form among h, m, s and ms, else seconds with a fraction
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (d.toNanos() % 1_000_000 == 0 && ms != 0) {
            if (ms % 3_600_000 == 0) {
                return ms / 3_600_000 + "h";
            }
            if (ms % 60_000 == 0) {
                return ms / 60_000 + "m";
            }
            if (ms % 1000 == 0) {
                return ms / 1000 + "s";
            }
            if (ms < 1000) {
                return ms + "ms";
            }
        }
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalStateException(unit);
        };
    }

    /** Lets picocli parse duration options; a malformed duration becomes a usage error naming it. */
    public static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (SpecValidationException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
