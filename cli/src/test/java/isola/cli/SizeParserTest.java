// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.SpecValidationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizeParserTest {
    @ParameterizedTest
    @CsvSource({
        "4096, 4096",
        "0, 0",
        "100b, 100",
        "512k, 524288",
        "512K, 524288",
        "64m, 67108864",
        "64mb, 67108864",
        "64MiB, 67108864",
        "1g, 1073741824",
        "1.5g, 1610612736",
        "2t, 2199023255552",
        "1.3k, 1331",
        "' 8m ', 8388608",
    })
    void parsesSizes(String text, long bytes) {
        assertEquals(bytes, SizeParser.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "m", "-1", "1x", "1 m", "1.m", ".5m", "64ib", "1e3", "0x10", "64mm", "lots"})
    void refusesMalformedSizesNamingThem(String text) {
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SizeParser.parse(text));
        assertTrue(e.getMessage().startsWith("malformed size \"" + text + "\""), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8192p", "9223372036854775808", "100000000000000000000k"})
    void refusesSizesThatDoNotFitALong(String text) {
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SizeParser.parse(text));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void largestSizeFits() {
        assertEquals(Long.MAX_VALUE, SizeParser.parse("9223372036854775807"));
        assertEquals(7L << 50, SizeParser.parse("7p"));
    }
}
