// SPDX-License-Identifier: Apache-2.0
package isola.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isola.api.Capability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes the README's platform × capability table from conformance results ({@link
 * ConformanceRecorder}'s JSON files): one column per backend, one row per capability, each cell
 * saying what was observed where ("verified: Linux host (cgroup v1 hybrid); Linux guest (cgroup
 * v2)", "fails closed: ..."), or "unit-tested only" when no run covered it.
 *
 * <p>{@code java -cp ... isola.conformance.PlatformTable README.md DIR...} replaces the text between
 * {@code <!-- conformance:begin -->} and {@code <!-- conformance:end -->} in README.md; with
 * {@code -} instead of a file it prints the table.
 */
public final class PlatformTable {
    static final String BEGIN = "<!-- conformance:begin -->";
    static final String END = "<!-- conformance:end -->";
    static final List<String> BACKENDS = List.of("linux", "freebsd-jail", "solaris-zones");

    private static final Map<String, String> NOT_YET_RUN = Map.of("linux", "not yet run",
            "freebsd-jail", "not yet run on FreeBSD", "solaris-zones", "not yet run on illumos or Solaris");

    private PlatformTable() {
    }

    /** @param args the README (or -) and the result directories */
    public static void main(String[] args) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Path dir = Path.of(args[i]);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    docs.add(new ObjectMapper().readTree(f.toFile()));
                }
            }
        }
        String table = render(docs);
        if (args[0].equals("-")) {
            System.out.print(table);
        } else {
            Path readme = Path.of(args[0]);
            Files.writeString(readme, splice(Files.readString(readme, StandardCharsets.UTF_8), table));
        }
    }

    /**
     * @param docs result documents
     * @return the markdown table
     */
    static String render(List<JsonNode> docs) {
        // backend -> capability -> outcome -> places
        Map<String, Map<String, Map<String, List<String>>>> cells = new LinkedHashMap<>();
        for (JsonNode d : docs) {
            String backend = d.get("backend").asText();
            String where = d.get("where").asText();
            d.get("results").fields().forEachRemaining(e -> {
                if (!e.getKey().startsWith("test ")) {
                    String outcome = e.getValue().asText().startsWith(ConformanceRecorder.FAILED)
                            ? ConformanceRecorder.FAILED : e.getValue().asText();
                    cells.computeIfAbsent(backend, k -> new TreeMap<>()).computeIfAbsent(e.getKey(), k -> new TreeMap<>())
                            .computeIfAbsent(outcome, k -> new ArrayList<>()).add(where);
                }
            });
        }
        StringBuilder sb = new StringBuilder("| capability |");
        for (String b : BACKENDS) {
            sb.append(" `").append(b).append("` |");
        }
        sb.append("\n|---|");
        BACKENDS.forEach(b -> sb.append("---|"));
        sb.append('\n');
        for (Capability c : Capability.values()) {
            sb.append("| ").append(c.name().toLowerCase(java.util.Locale.ROOT)).append(" |");
            for (String b : BACKENDS) {
                Map<String, Map<String, List<String>>> ofBackend = cells.get(b);
                sb.append(' ').append(ofBackend == null ? "unit-tested only: " + NOT_YET_RUN.getOrDefault(b, "not yet run")
                        : cell(ofBackend.get(c.name()))).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(Map<String, List<String>> byOutcome) {
        if (byOutcome == null || byOutcome.isEmpty()) {
            return "not covered by the suite";
        }
        List<String> parts = new ArrayList<>();
        for (String outcome : List.of(ConformanceRecorder.VERIFIED, ConformanceRecorder.FAIL_CLOSED,
                ConformanceRecorder.FAILED)) {
            List<String> where = byOutcome.get(outcome);
            if (where != null) {
                String label = outcome.equals(ConformanceRecorder.VERIFIED) ? "✔ verified"
                        : outcome.equals(ConformanceRecorder.FAIL_CLOSED) ? "✖ fails closed" : "⚠ FAILED";
                parts.add(label + ": " + String.join("; ", where));
            }
        }
        return String.join("<br>", parts);
    }

    /**
     * @param readme the README's text
     * @param table the table
     * @return the README with the table between the markers
     */
    static String splice(String readme, String table) {
        int b = readme.indexOf(BEGIN);
        int e = readme.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("the README lacks the " + BEGIN + " ... " + END + " markers");
        }
        return readme.substring(0, b + BEGIN.length()) + "\n" + table + readme.substring(e);
    }
}
