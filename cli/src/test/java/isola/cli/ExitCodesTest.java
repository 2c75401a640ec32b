// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.BackendUnavailableException;
import isola.api.Capability;
import isola.api.HelperFailedException;
import isola.api.IsolationException;
import isola.api.SpecValidationException;
import isola.api.UnsupportedCapabilityException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
    @Test
    void exceptionsMapToTheDocumentedStatuses() {
        assertEquals(2, ExitCodes.of(new SpecValidationException("bad")));
        assertEquals(3, ExitCodes.of(new UnsupportedCapabilityException(Capability.MEMORY_LIMIT, "linux", "no controller")));
        assertEquals(3, ExitCodes.of(new BackendUnavailableException("none")));
        assertEquals(1, ExitCodes.of(new HelperFailedException("mount failed", "mount", 2, "ENOENT")));
        assertEquals(1, ExitCodes.of(new IsolationException("failed")));
        assertEquals(1, ExitCodes.of(new IOException("disk")));
        assertEquals(4, ExitCodes.of(new NullPointerException()));
    }

    @Test
    void messagesStartWithIsolaAndHideStackTracesUnlessAsked() {
        StringWriter w = new StringWriter();
        FailureHandler.print(new PrintWriter(w), new IsolationException("failed to write \"max\" to pids.max: EACCES"), false);
        assertEquals("isola: failed to write \"max\" to pids.max: EACCES" + System.lineSeparator(), w.toString());

        StringWriter bug = new StringWriter();
        FailureHandler.print(new PrintWriter(bug), new IllegalStateException("oops"), false);
        assertTrue(bug.toString().startsWith("isola: internal error: java.lang.IllegalStateException: oops"), bug.toString());
        assertFalse(bug.toString().contains("\tat "), bug.toString());

        StringWriter debug = new StringWriter();
        FailureHandler.print(new PrintWriter(debug), new IllegalStateException("oops"), true);
        assertTrue(debug.toString().contains("\tat "), debug.toString());
    }

    @Test
    void featuresFailuresGoThroughTheHandler() {
        Cli r = Cli.run("features", "--debug", "--format", "json");
        assertEquals(0, r.exitCode(), r.err());
    }
}
