// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignalTest {
    private static final String OS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    private static final boolean FREEBSD = OS.contains("freebsd");
    private static final boolean SOLARIS = OS.contains("sunos") || OS.contains("solaris");

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "SIGTERM", "term", "sigterm", "SigTerm", " TERM ", "15"})
    void parsesTerm(String text) {
        assertEquals(Signal.TERM, Signal.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"KILL", "SIGKILL", "kill", "9"})
    void parsesKill(String text) {
        assertEquals(Signal.KILL, Signal.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"1, HUP", "2, INT", "3, QUIT", "6, ABRT", "9, KILL", "11, SEGV", "13, PIPE", "14, ALRM", "15, TERM"})
    void numbersCommonToEveryUnix(int n, Signal want) {
        assertEquals(want, Signal.parse(Integer.toString(n)));
        assertEquals(want, Signal.byNumber(n));
        assertEquals(n, want.number());
    }

    @Test
    void numbersThatDifferPerOs() {
        // signal.h: Linux (x86/arm), FreeBSD and Solaris/illumos number these differently.
        assertEquals(FREEBSD ? 30 : SOLARIS ? 16 : 10, Signal.USR1.number());
        assertEquals(FREEBSD ? 31 : SOLARIS ? 17 : 12, Signal.USR2.number());
        assertEquals(FREEBSD ? 19 : SOLARIS ? 25 : 18, Signal.CONT.number());
        assertEquals(FREEBSD ? 17 : SOLARIS ? 23 : 19, Signal.STOP.number());
        assertEquals(FREEBSD ? 18 : SOLARIS ? 24 : 20, Signal.TSTP.number());
        assertEquals(SOLARIS ? 20 : 28, Signal.WINCH.number());
    }

    @ParameterizedTest
    @EnumSource(Signal.class)
    void everySignalParsesByNameAndByItsNumberHere(Signal s) {
        assertEquals(s, Signal.parse(s.name()));
        assertEquals(s, Signal.parse("SIG" + s.name()));
        assertEquals(s, Signal.parse(s.name().toLowerCase(Locale.ROOT)));
        assertEquals(s, Signal.parse(Integer.toString(s.number())));
        assertEquals(s, Signal.byNumber(s.number()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"BOGUS", "SIGBOGUS", "", "SIG", "  ", "-9", "+9", "TERM9", "SIGSIGTERM", "RTMIN"})
    void unknownNamesAreRefused(String text) {
        invalid(() -> Signal.parse(text), "unknown signal", "\"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 99, 64, 1000})
    void unknownNumbersAreRefused(int n) {
        invalid(() -> Signal.parse(Integer.toString(n)), "unknown signal", Integer.toString(n));
        assertNull(Signal.byNumber(n));
    }

    @Test
    void numberTooLargeForAnIntIsRefused() {
        invalid(() -> Signal.parse("99999999999"), "unknown signal", "99999999999");
        invalid(() -> Signal.parse("SIG4294967311"), "unknown signal", "4294967311");
    }
}
