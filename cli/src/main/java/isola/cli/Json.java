// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;

/** The one Jackson mapper of the cli, created on first use so that text output never pays for it. */
final class Json {
    private Json() {
    }

    /** Initialised on first use of {@link Json#mapper()}. */
    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** @return the mapper: indented, never closes the writer it is given */
    static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    /**
     * Writes one document and a newline, leaving the writer open.
     *
     * @param out where to (stdout, usually)
     * @param value the record to write
     * @throws IOException when writing fails
     */
    static void write(Writer out, Object value) throws IOException {
        mapper().writeValue(out, value);
        out.write(System.lineSeparator());
        out.flush();
    }
}
