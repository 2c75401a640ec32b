// SPDX-License-Identifier: Apache-2.0
package isola.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The platform table made from recorded results, and the probe's JSON. */
class PlatformTableTest {
    private static JsonNode doc(String backend, String where, String results) throws Exception {
        return new ObjectMapper().readTree("{\"backend\":\"" + backend + "\",\"where\":\"" + where + "\",\"results\":"
                + results + "}");
    }

    @Test
    void cellsSayWhatWasObservedWhere() throws Exception {
        String t = PlatformTable.render(List.of(
                doc("linux", "Linux host (cgroup v1 hybrid)", "{\"MEMORY_LIMIT\":\"verified\",\"NETWORK_BRIDGE\":"
                        + "\"fail-closed\",\"test x\":\"failed: boom\"}"),
                doc("linux", "Linux guest (cgroup v2)", "{\"MEMORY_LIMIT\":\"verified\",\"NETWORK_BRIDGE\":\"failed\"}")));
        List<String> lines = t.lines().toList();
        assertEquals("| capability | `linux` | `freebsd-jail` | `solaris-zones` |", lines.get(0));
        assertEquals("|---|---|---|---|", lines.get(1));
        String notRun = " | unit-tested only: not yet run on FreeBSD | unit-tested only: not yet run on illumos or Solaris |";
        assertTrue(lines.contains("| memory_limit | ✔ verified: Linux host (cgroup v1 hybrid); Linux guest (cgroup v2)"
                + notRun), t);
        assertTrue(lines.contains("| network_bridge | ✖ fails closed: Linux host (cgroup v1 hybrid)<br>⚠ FAILED: Linux "
                + "guest (cgroup v2)" + notRun), t);
        assertTrue(lines.contains("| cpuset | not covered by the suite" + notRun), t);
        assertEquals(2 + isola.api.Capability.values().length, lines.size(), "one row per capability");
    }

    @Test
    void theTableGoesBetweenTheMarkers() {
        String readme = "# x\n" + PlatformTable.BEGIN + "\nold\n" + PlatformTable.END + "\ntail\n";
        assertEquals("# x\n" + PlatformTable.BEGIN + "\n| new |\n" + PlatformTable.END + "\ntail\n",
                PlatformTable.splice(readme, "| new |\n"));
        assertThrows(IllegalArgumentException.class, () -> PlatformTable.splice("no markers", "t"));
    }

    @Test
    void theProbesJsonEscapesWhatAWorkloadCouldPrint() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"quoted\" \\ back\nline\ttab\u0001");
        m.put("n", 42L);
        m.put("l", List.of("x", "y"));
        m.put("z", null);
        JsonNode parsed = new ObjectMapper().readTree(Probe.json(m));
        assertEquals("a \"quoted\" \\ back\nline\ttab\u0001", parsed.get("s").asText());
        assertEquals(42, parsed.get("n").asInt());
        assertEquals("y", parsed.get("l").get(1).asText());
        assertTrue(parsed.get("z").isNull());
    }
}
