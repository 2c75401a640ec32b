// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import isola.api.BackendUnavailableException;
import isola.api.IsolationException;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine.ParameterException;

/** The exit statuses of isola, as STYLE.md section 6 fixes them, and how exceptions map to them. */
final class ExitCodes {
    /** The operation succeeded. */
    static final int OK = 0;
    /** The operation failed. */
    static final int FAILED = 1;
    /** A bad option or value. */
    static final int USAGE = 2;
    /** Not supported on this host or by this backend. */
    static final int UNSUPPORTED = 3;
    /** A bug in isola. */
    static final int INTERNAL = 4;
    /** {@code run}: isola itself failed, the command did not run (as {@code docker run}). */
    static final int RUN_FAILED = 125;
    /** {@code run}: the command was found but could not be executed (the shell's 126). */
    static final int RUN_NOT_EXECUTABLE = 126;
    /** {@code run}: the command was not found (the shell's 127). */
    static final int RUN_NOT_FOUND = 127;

    static final String HEADING = "%nExit status:%n";
    static final String LIST_OK = "0:success";
    static final String LIST_FAILED = "1:the operation failed";
    static final String LIST_USAGE = "2:usage error: a bad option or value";
    static final String LIST_UNSUPPORTED = "3:not supported on this host or by the chosen backend";
    static final String LIST_INTERNAL = "4:internal error (a bug in isola; rerun with --debug)";

    private ExitCodes() {
    }

    /**
     * @param t what a command threw
     * @return the exit status for it
     */
    static int of(Throwable t) {
        if (t instanceof ParameterException || t instanceof SpecValidationException) {
            return USAGE;
        }
        if (t instanceof UnsupportedCapabilityException || t instanceof BackendUnavailableException) {
            return UNSUPPORTED;
        }
        if (t instanceof IsolationException || t instanceof IOException || t instanceof UncheckedIOException) {
            return FAILED;
        }
        return INTERNAL;
    }
}
