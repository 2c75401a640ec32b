// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.SpecValidationException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses sizes as {@code docker run --memory} and {@code --tmpfs size=} take them: a number with
 * an optional binary unit, {@code 512k}, {@code 64m}, {@code 1g}, {@code 1.5G}, {@code 64MiB},
 * {@code 100b} or plain bytes {@code 4096}. Units are powers of 1024; a fraction is rounded down
 * to whole bytes, as Docker's {@code RAMInBytes} does.
 */
public final class SizeParser {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([kmgtp]?)(i?b)?");
    private static final String EXPECTED = "expected bytes or a number with a unit such as 512k, 64m or 1g";

    private SizeParser() {
    }

    /**
     * @param text the size
     * @return the size in bytes
     * @throws SpecValidationException naming the text when it is malformed or too large
     */
    public static long parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(s);
        if (!m.matches() || (m.group(2).isEmpty() && "ib".equals(m.group(3)))) {
            throw new SpecValidationException("malformed size \"" + text + "\": " + EXPECTED);
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 0;
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift))
                .setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new SpecValidationException("size \"" + text + "\" is too large");
        }
        return bytes.longValueExact();
    }

    /** Lets picocli parse size options; a malformed size becomes a usage error naming it. */
    public static final class Converter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (SpecValidationException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
