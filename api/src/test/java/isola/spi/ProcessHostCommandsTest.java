// SPDX-License-Identifier: Apache-2.0
package isola.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.IsolationException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessHostCommandsTest {
    private final HostCommands c = new ProcessHostCommands();

    @Test
    void outputStatusAndStdinAreKeptApartAndNoShellIsInvolved() {
        HostCommands.Result r = c.run(List.of("/bin/sh", "-c", "cat; echo oops >&2; exit 3"), "in $(x) ;'\n", HostCommands.DEFAULT_TIMEOUT);
        assertEquals(3, r.exitCode());
        assertEquals("in $(x) ;'\n", r.stdout());
        assertEquals("oops\n", r.stderr());
        assertFalse(r.ok());
        assertEquals("/bin/sh -c cat; echo oops >&2; exit 3: exit status 3: oops", r.describe());
        assertEquals("$(id)\n", c.run("/bin/echo", "$(id)").stdout());
    }

    @Test
    void aToolThatHangsIsKilled() {
        HostCommands.Result r = c.run(List.of("/bin/sleep", "30"), null, Duration.ofMillis(200));
        assertEquals(-1, r.exitCode());
        assertTrue(r.describe().endsWith("timed out"), r.describe());
    }

    @Test
    void aMissingToolIsAnError() {
        IsolationException e = assertThrows(IsolationException.class, () -> c.run("/nonexistent/tool"));
        assertTrue(e.getMessage().startsWith("cannot run /nonexistent/tool"), e.getMessage());
    }
}
