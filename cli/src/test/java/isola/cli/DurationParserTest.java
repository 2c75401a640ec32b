// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.SpecValidationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationParserTest {
    @ParameterizedTest
    @CsvSource({
        "10s, PT10S",
        "500ms, PT0.5S",
        "2m, PT2M",
        "1h, PT1H",
        "1.5s, PT1.5S",
        "1h30m, PT1H30M",
        "1m30.5s, PT1M30.5S",
        "250us, PT0.00025S",
        "7ns, PT0.000000007S",
        "0s, PT0S",
        "' 3s ', PT3S",
    })
    void parsesDurations(String text, String iso) {
        assertEquals(Duration.parse(iso), DurationParser.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "s", "10x", "10 s", "-1s", "1.s", ".5s", "10S", "1d", "PT10S", "1s 2s", "10sec",
        "1h30"})
    void refusesMalformedDurationsNamingThem(String text) {
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> DurationParser.parse(text));
        assertTrue(e.getMessage().startsWith("malformed duration \"" + text + "\""), e.getMessage());
    }

    @Test
    void refusesDurationsThatDoNotFit() {
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> DurationParser.parse("3000000h"));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"10s", "1.5s", "2m", "1h", "250ms", "0s", "90m", "0.00025s"})
    void formatsWhatItParses(String text) {
        assertEquals(text, DurationParser.format(DurationParser.parse(text)));
    }
}
