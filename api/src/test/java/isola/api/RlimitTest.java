// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RlimitTest {
    @Test
    void unlimitedIsMinusOne() {
        assertEquals(-1L, Rlimit.UNLIMITED);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1024, 4096",
        "4096, 4096",
        "1024, -1",
        "-1, -1",
        "0, -1",
        "9223372036854775807, -1",
        "9223372036854775807, 9223372036854775807",
    })
    void validLimits(long soft, long hard) {
        Rlimit r = new Rlimit(RlimitType.NOFILE, soft, hard);
        assertEquals(RlimitType.NOFILE, r.type());
        assertEquals(soft, r.soft());
        assertEquals(hard, r.hard());
    }

    @Test
    void softAboveHardIsRefused() {
        invalid(() -> new Rlimit(RlimitType.NOFILE, 2048, 1024), "NOFILE", "2048", "1024");
    }

    @Test
    void unlimitedSoftWithFiniteHardIsRefused() {
        // RLIM_INFINITY is larger than any finite hard limit.
        invalid(() -> new Rlimit(RlimitType.STACK, Rlimit.UNLIMITED, 8192), "STACK", "8192");
    }

    @Test
    void negativesOtherThanUnlimitedAreRefused() {
        invalid(() -> new Rlimit(RlimitType.CPU, -2, 10), "CPU", "negative", "-2");
        invalid(() -> new Rlimit(RlimitType.CPU, 1, -5), "CPU", "negative", "-5");
        invalid(() -> new Rlimit(RlimitType.CPU, Long.MIN_VALUE, Rlimit.UNLIMITED), "CPU", "negative",
                Long.toString(Long.MIN_VALUE));
    }

    @Test
    void missingTypeIsRefused() {
        invalid(() -> new Rlimit(null, 1, 1), "rlimit type");
    }

    @ParameterizedTest
    @CsvSource({
        "nofile, NOFILE",
        "NOFILE, NOFILE",
        "RLIMIT_NOFILE, NOFILE",
        "rlimit_nofile, NOFILE",
        "Rlimit_Core, CORE",
        "cpu, CPU",
        "fsize, FSIZE",
        "data, DATA",
        "stack, STACK",
        "core, CORE",
        "as, AS",
        "RLIMIT_AS, AS",
        "nproc, NPROC",
        "memlock, MEMLOCK",
    })
    void parsesNames(String text, RlimitType want) {
        assertEquals(want, RlimitType.parse(text));
    }

    @Test
    void parseTrims() {
        assertEquals(RlimitType.NOFILE, RlimitType.parse("  nofile\t"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bogus", "", "RLIMIT_", "7", "rss", "no file", "RLIMIT_RLIMIT_NOFILE"})
    void unknownNamesAreRefused(String text) {
        invalid(() -> RlimitType.parse(text), "unknown rlimit", "\"" + text + "\"");
    }
}
