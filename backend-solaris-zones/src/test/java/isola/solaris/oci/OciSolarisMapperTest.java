// SPDX-License-Identifier: Apache-2.0
package isola.solaris.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isola.api.Limits;
import isola.api.SolarisOptions;
import isola.api.SpecValidationException;
import org.junit.jupiter.api.Test;

/** Field names and examples from runtime-spec config-solaris.md. */
class OciSolarisMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void theSpecsExampleMapsLimitprivCpuAndMemory() throws Exception {
        var r = OciSolarisMapper.map(json("""
                {"limitpriv": "default", "cappedCPU": {"ncpus": "8"}, "cappedMemory": {"physical": "512m", "swap": "512m"}}
                """), Limits.NONE);
        assertEquals("default", r.options().limitpriv());
        assertEquals(8.0, r.limits().cpus());
        assertEquals(512L << 20, r.limits().memoryBytes());
        assertEquals(512L << 20, r.limits().memorySwapBytes());
    }

    @Test
    void absentSectionKeepsDefaultsAndTheOtherLimits() throws Exception {
        Limits pids = new Limits(null, null, null, null, null, null, 50L, null, java.util.List.of());
        assertEquals(new OciSolarisMapper.Result(SolarisOptions.DEFAULT, pids), OciSolarisMapper.map(null, pids));
        var r = OciSolarisMapper.map(json("{\"cappedCPU\": {\"ncpus\": \"1.5\"}}"), pids);
        assertEquals(50L, r.limits().pids());
        assertEquals(1.5, r.limits().cpus());
        assertNull(r.options().limitpriv());
    }

    @Test
    void whatIsolaCannotHonourIsRefusedByName() {
        for (String[] c : new String[][] {
                {"{\"milestone\": \"svc:/milestone/container:default\"}", "solaris.milestone is not supported"},
                {"{\"maxShmMemory\": \"512m\"}", "solaris.maxShmMemory is not supported"},
                {"{\"anet\": [{\"linkname\": \"net0\", \"lowerLink\": \"net2\", \"allowedAddress\": \"172.17.0.2/16\"}]}", "solaris.anet is not supported"},
                {"{\"cappedCPU\": {\"ncpus\": \"eight\"}}", "solaris.cappedCPU.ncpus must be a number"},
                {"{\"cappedMemory\": {\"physical\": \"512 MB\"}}", "solaris.cappedMemory.physical must be a size"},
                {"{\"zonepath\": \"/z\"}", "unknown field solaris.zonepath"}}) {
            var e = assertThrows(SpecValidationException.class, () -> OciSolarisMapper.map(json(c[0]), Limits.NONE), c[0]);
            assertTrue(e.getMessage().startsWith(c[1]), e.getMessage());
        }
    }

    @Test
    void sizesTakeZonecfgScales() {
        assertEquals(1024, OciSolarisMapper.bytes("f", "1k"));
        assertEquals(2L << 30, OciSolarisMapper.bytes("f", "2G"));
        assertEquals(3L << 40, OciSolarisMapper.bytes("f", "3t"));
        assertEquals(4096, OciSolarisMapper.bytes("f", "4096"));
        assertThrows(SpecValidationException.class, () -> OciSolarisMapper.bytes("f", "99999999999999999999t"));
    }
}
