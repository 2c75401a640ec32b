// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Java mirror of isola_protocol.h must agree with the header, number for number. */
class HelperProtocolTest {
    private static final Path HEADER = Path.of("src/main/c/isola_protocol.h");

    @Test
    void everyDefineMatchesTheJavaConstant() throws Exception {
        Pattern def = Pattern.compile("#define ISOLA_([A-Z0-9_]+) \\(?(0x[0-9a-fA-F]+|\\d+)u?");
        int checked = 0;
        for (String line : Files.readAllLines(HEADER)) {
            Matcher m = def.matcher(line);
            if (!m.find() || m.group(1).equals("PROTOCOL_H") || m.group(1).equals("MAX_REQUEST")) {
                continue;
            }
            String name = m.group(1).equals("PROTOCOL_VERSION") ? "VERSION" : m.group(1);
            long expected = Long.decode(m.group(2));
            Field f = HelperProtocol.class.getField(name);
            assertEquals(expected, ((Number) f.get(null)).longValue(), "ISOLA_" + m.group(1));
            checked++;
        }
        assertEquals(45, checked, "number of protocol constants checked");
    }

    @Test
    void stepsAreInHeaderOrder() throws IOException {
        String text = Files.readString(HEADER);
        Matcher m = Pattern.compile("X\\(([A-Z_]+), \"([^\"]+)\"\\)").matcher(text);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(2));
        }
        assertFalse(names.isEmpty());
        assertEquals(names, List.of(HelperProtocol.STEPS));
        assertEquals("network", HelperProtocol.stepName(names.size() - 1));
    }
}
