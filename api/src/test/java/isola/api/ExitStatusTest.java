// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wait statuses in the traditional encoding every POSIX system here uses: exit code << 8, or the signal in the low 7 bits with 0x80 for a core dump. */
class ExitStatusTest {
    private static final Duration T = Duration.ofMillis(1234);

    @Test
    void exitZero() {
        ExitStatus s = ExitStatus.fromWaitStatus(0x0000, T);
        assertEquals(new ExitStatus(0, 0, false, false, false, T), s);
        assertTrue(s.success());
        assertEquals(0, s.shellStatus());
        assertEquals(T, s.wallTime());
    }

    @Test
    void exit42() {
        ExitStatus s = ExitStatus.fromWaitStatus(0x2a00, T);
        assertEquals(42, s.exitCode());
        assertEquals(0, s.signal());
        assertFalse(s.success());
        assertEquals(42, s.shellStatus());
    }

    @ParameterizedTest
    @CsvSource({"0x0100, 1", "0x7f00, 127", "0x7e00, 126", "0x8000, 128", "0xff00, 255"})
    void exitCodes(String hex, int code) {
        ExitStatus s = ExitStatus.fromWaitStatus(Integer.decode(hex), T);
        assertEquals(code, s.exitCode());
        assertEquals(0, s.signal());
        assertEquals(code, s.shellStatus());
        assertFalse(s.success());
    }

    @Test
    void killedBySignal9() {
        ExitStatus s = ExitStatus.fromWaitStatus(9, T);
        assertEquals(9, s.signal());
        assertEquals(-1, s.exitCode());
        assertEquals(137, s.shellStatus());
        assertFalse(s.success());
        assertFalse(s.timedOut());
    }

    @Test
    void killedBySigtermIs143() {
        ExitStatus s = ExitStatus.fromWaitStatus(15, T);
        assertEquals(15, s.signal());
        assertEquals(143, s.shellStatus());
    }

    @Test
    void segfaultWithCoreDump() {
        // 0x8b = WCOREFLAG (0x80) | SIGSEGV (11)
        ExitStatus s = ExitStatus.fromWaitStatus(0x8b, T);
        assertEquals(11, s.signal());
        assertEquals(-1, s.exitCode());
        assertEquals(139, s.shellStatus());
    }

    @Test
    void abortWithCoreDump() {
        ExitStatus s = ExitStatus.fromWaitStatus(0x86, T);
        assertEquals(6, s.signal());
        assertEquals(134, s.shellStatus());
    }

    @Test
    void verdictsAndTimeoutAreCopies() {
        ExitStatus s = ExitStatus.fromWaitStatus(9, T);
        ExitStatus t = s.withTimedOut();
        assertTrue(t.timedOut());
        assertFalse(s.timedOut());
        assertEquals(9, t.signal());
        assertEquals(T, t.wallTime());

        ExitStatus v = t.withVerdicts(true, false);
        assertTrue(v.oomKilled());
        assertFalse(v.pidsLimitHit());
        assertTrue(v.timedOut());
        assertEquals(9, v.signal());
        assertEquals(-1, v.exitCode());

        ExitStatus w = s.withVerdicts(false, true);
        assertFalse(w.oomKilled());
        assertTrue(w.pidsLimitHit());
        assertFalse(w.timedOut());
    }

    @Test
    void timedOutSuccessIsStillExitZero() {
        ExitStatus s = ExitStatus.fromWaitStatus(0, T).withTimedOut();
        assertTrue(s.success());
        assertEquals(0, s.shellStatus());
    }
}
