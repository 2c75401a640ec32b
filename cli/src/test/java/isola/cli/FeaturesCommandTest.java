// SPDX-License-Identifier: Apache-2.0
package isola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import isola.api.Capability;
import isola.api.Isolation;
import isola.spi.BackendReport;
import isola.spi.CapabilitySet;
import isola.spi.ProbeResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Works with whatever backends are on the test class path, none included. */
class FeaturesCommandTest {
    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        Cli r = Cli.run("features", "--format", "json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode doc = Json.mapper().readTree(r.out());
        assertEquals(List.of("chosenBackend", "backends"), names(doc));
        assertTrue(doc.get("chosenBackend").isNull() || doc.get("chosenBackend").isTextual());
        assertTrue(doc.get("backends").isArray());
        assertEquals(Isolation.backends().size(), doc.get("backends").size());
        for (JsonNode b : doc.get("backends")) {
            assertEquals(List.of("name", "priority", "available", "reason", "capabilities", "missing", "facts"), names(b));
            assertTrue(b.get("capabilities").isArray());
            assertTrue(b.get("missing").isObject());
            assertEquals(Capability.values().length, b.get("capabilities").size() + b.get("missing").size());
        }
        if (Isolation.backends().isEmpty()) {
            assertTrue(doc.get("chosenBackend").isNull());
        }
    }

    @Test
    void anUnknownBackendIsReportedNotChosen() throws Exception {
        Cli r = Cli.run("features", "--format=JSON", "--backend", "no-such-backend");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Json.mapper().readTree(r.out()).get("chosenBackend").isNull());
        Cli text = Cli.run("features", "--backend", "no-such-backend");
        assertTrue(text.out().startsWith("chosen backend: none\n  unknown backend \"no-such-backend\""), text.out());
    }

    @Test
    void textShowsProbesCapabilitiesReasonsAndFacts() {
        CapabilitySet caps = CapabilitySet.builder()
                .supports(Capability.values())
                .lacks(Capability.MEMORY_LIMIT, "the memory controller is not enabled")
                .lacks(Capability.MEMORY_SWAP_LIMIT, "the memory controller is not enabled")
                .lacks(Capability.NETWORK_BRIDGE, "not implemented by this backend")
                .build();
        List<FeaturesReport.Backend> backends = new ArrayList<>();
        backends.add(FeaturesReport.Backend.of(new BackendReport("linux", 100, ProbeResult.available("kernel 6.1"), caps,
                Map.of("cgroup", "v2"))));
        backends.add(FeaturesReport.Backend.of(new BackendReport("freebsd-jail", 50,
                ProbeResult.unavailable("not a FreeBSD host"), CapabilitySet.builder().build(), null)));
        StringWriter out = new StringWriter();
        new FeaturesReport("linux", null, backends).writeText(new PrintWriter(out));
        String text = out.toString();
        assertTrue(text.startsWith("chosen backend: linux\n"), text);
        assertTrue(text.contains("backend linux (priority 100): available: kernel 6.1"), text);
        assertTrue(text.contains("pid_isolation,"), text);
        assertTrue(text.contains("    memory_limit, memory_swap_limit\n      because: the memory controller is not enabled"),
                text);
        assertTrue(text.contains("    network_bridge\n      because: not implemented by this backend"), text);
        assertTrue(text.contains("  facts:\n    cgroup: v2"), text);
        assertTrue(text.contains("backend freebsd-jail (priority 50): unavailable: not a FreeBSD host\n  supported: none"),
                text);
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= 100, line);
        }
    }

    @Test
    void backendEntriesKeepCapabilityOrder() {
        CapabilitySet caps = CapabilitySet.builder().supports(Capability.TMPFS, Capability.PID_ISOLATION).build();
        FeaturesReport.Backend b = FeaturesReport.Backend.of(new BackendReport("x", 1, ProbeResult.available("ok"), caps,
                Map.of()));
        assertEquals(List.of("PID_ISOLATION", "TMPFS"), b.capabilities());
        assertEquals("HOSTNAME", b.missing().keySet().iterator().next());
        assertNotNull(b.facts());
        assertFalse(b.missing().containsKey("TMPFS"));
    }

    @Test
    void aBadFormatIsAUsageError() {
        Cli r = Cli.run("features", "--format", "yaml");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().contains("unknown format \"yaml\""), r.err());
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
