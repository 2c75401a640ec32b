// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import isola.api.Capability;
import isola.spi.BackendReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code isola features} reports, shaped like the OCI features document ({@code containers/crun:
 * src/oci_features.c}): the backend isola would use and every backend's probe and capabilities.
 *
 * @param chosenBackend the backend {@code isola run} would use, null when none can run here
 * @param whyNone why none was chosen (not in the JSON: the backends' reasons say it), null when one was
 * @param backends every backend on the class path, highest priority first
 */
@JsonPropertyOrder({"chosenBackend", "backends"})
record FeaturesReport(String chosenBackend, @JsonIgnore String whyNone, List<Backend> backends) {

    /**
     * One backend.
     *
     * @param name its name
     * @param priority its priority; higher wins
     * @param available whether it can run on this host
     * @param reason why not, or what it found when it can
     * @param capabilities what it can do here, as {@link Capability} names
     * @param missing what it cannot do here, each with the reason
     * @param facts host facts it reports
     */
    @JsonPropertyOrder({"name", "priority", "available", "reason", "capabilities", "missing", "facts"})
    record Backend(String name, int priority, boolean available, String reason, List<String> capabilities,
            Map<String, String> missing, Map<String, String> facts) {

        static Backend of(BackendReport r) {
            List<String> caps = r.capabilities().supported().stream().map(Capability::name).toList();
            Map<String, String> missing = new LinkedHashMap<>();
            r.capabilities().missing().forEach((c, why) -> missing.put(c.name(), why));
            return new Backend(r.name(), r.priority(), r.probe().available(), r.probe().reason(), caps, missing,
                    r.facts() == null ? Map.of() : new LinkedHashMap<>(r.facts()));
        }
    }

    /**
     * Writes the report for people. Capability names are lowercase, as error messages write them,
     * and missing ones are grouped by reason.
     *
     * @param out stdout
     */
    void writeText(PrintWriter out) {
        if (chosenBackend != null) {
            out.println("chosen backend: " + chosenBackend);
        } else {
            out.println("chosen backend: none");
            if (whyNone != null) {
                out.println(indent(whyNone, "  "));
            }
        }
        for (Backend b : backends) {
            out.println();
            out.println("backend " + b.name() + " (priority " + b.priority() + "): "
                    + (b.available() ? "available" : "unavailable") + (b.reason() == null ? "" : ": " + b.reason()));
            out.println(wrap("  supported: ", b.capabilities().isEmpty() ? List.of("none")
                    : b.capabilities().stream().map(c -> c.toLowerCase(Locale.ROOT)).toList()));
            Map<String, List<String>> byReason = new LinkedHashMap<>();
            b.missing().forEach((c, why) -> byReason.computeIfAbsent(why, k -> new ArrayList<>()).add(c.toLowerCase(Locale.ROOT)));
            if (!byReason.isEmpty()) {
                out.println("  missing:");
                byReason.forEach((why, caps) -> {
                    out.println(wrap("    ", caps));
                    out.println("      because: " + why);
                });
            }
            if (!b.facts().isEmpty()) {
                out.println("  facts:");
                b.facts().forEach((k, v) -> out.println("    " + k + ": " + v));
            }
        }
        out.flush();
    }

    private static String indent(String text, String prefix) {
        return prefix + text.strip().replace("\n", "\n" + prefix);
    }

    /** Joins words with ", " into lines of at most 100 columns, continued under the first word. */
    private static String wrap(String first, List<String> words) {
        StringBuilder sb = new StringBuilder(first);
        String pad = " ".repeat(first.length());
        int lineStart = 0;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i) + (i + 1 < words.size() ? "," : "");
            if (sb.length() - lineStart + w.length() + 1 > 100 && sb.length() - lineStart > first.length()) {
                sb.append('\n');
                lineStart = sb.length();
                sb.append(pad);
            } else if (sb.length() - lineStart > first.length()) {
                sb.append(' ');
            }
            sb.append(w);
        }
        return sb.toString();
    }
}
