// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.Isolation;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Options every subcommand takes: state directory, backend choice, logging and debugging. */
public final class GlobalOptions {
    /** The slf4j-simple property read once, when the first logger is created. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/run/isola",
            description = "Directory for isola's state (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Backend to use: linux, freebsd-jail or solaris-zones (default: the isola.backend "
                    + "system property, else the best one available; see 'isola features').")
    String backend;

    @Option(names = "--log-level", paramLabel = "LEVEL", converter = LogLevelConverter.class,
            description = "Log level: trace, debug, info, warn, error or off (default: warn, or debug with "
                    + "--debug). Logs go to stderr.")
    String logLevel;

    @Option(names = "--debug", description = "Log at debug level and show stack traces of errors.")
    boolean debug;

    /** @return the state directory */
    Path root() {
        return root;
    }

    /** @return whether stack traces were asked for */
    boolean debug() {
        return debug;
    }

    /** @return the backend asked for with {@code --backend} or {@code -Disola.backend}, or null for the best one */
    String backendName() {
        if (backend != null && !backend.isEmpty()) {
            return backend;
        }
        return System.getProperty(Isolation.BACKEND_PROPERTY);
    }

    /**
     * Sets slf4j-simple's level. Call it first in a command, before anything creates a logger:
     * slf4j-simple reads its configuration once, with the first logger. An explicit level wins over
     * {@code --debug}, which wins over a {@code -D} property, which wins over the default warn.
     */
    void configureLogging() {
        String level = logLevel != null ? logLevel : debug ? "debug" : null;
        if (level != null) {
            System.setProperty(LOG_LEVEL_PROPERTY, level);
        } else if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "warn");
        }
    }

    /** Accepts slf4j-simple's level names in any case. */
    public static final class LogLevelConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "trace", "debug", "info", "warn", "error", "off" -> v;
                default -> throw new TypeConversionException("unknown log level \"" + value
                        + "\" (expected trace, debug, info, warn, error or off)");
            };
        }
    }
}
