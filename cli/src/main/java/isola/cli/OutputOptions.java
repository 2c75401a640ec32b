// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The {@code --format} option of commands that report something. */
public final class OutputOptions {
    /** How a result is written to stdout. */
    public enum Format {
        /** For people. */
        TEXT,
        /** One JSON document, nothing else on stdout. */
        JSON
    }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", converter = FormatConverter.class,
            description = "Output format: text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    /** @return whether JSON was asked for */
    boolean json() {
        return format == Format.JSON;
    }

    /** Accepts {@code text} and {@code json} in any case. */
    public static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown format \"" + value + "\" (expected text or json)");
            }
        }
    }
}
