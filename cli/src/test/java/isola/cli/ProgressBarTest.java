// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void eachStepIsOneLineWithItsShareOfTheBar() {
        StringWriter out = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(out));
        bar.step("configuring zone isola-a", 0, 4);
        bar.step("installing template zone isolatpl-1", 1, 4);
        bar.step("booting zone isola-a", 3, 3);
        assertEquals("""
                isola: [....................] 1/4 configuring zone isola-a
                isola: [#####...............] 2/4 installing template zone isolatpl-1
                isola: [###############.....] 4/4 booting zone isola-a
                """, out.toString().replace(System.lineSeparator(), "\n"));
    }
}
