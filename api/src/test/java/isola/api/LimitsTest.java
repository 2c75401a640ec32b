// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LimitsTest {
    private static Limits memory(Long mem, Long swap) {
        return new Limits(mem, swap, null, null, null, null, null, null, List.of());
    }

    private static Limits cpus(Double cpus) {
        return new Limits(null, null, cpus, null, null, null, null, null, List.of());
    }

    private static Limits cpuset(String cpus, String mems) {
        return new Limits(null, null, null, null, cpus, mems, null, null, List.of());
    }

    @Test
    void noneHasNoLimits() {
        Limits n = Limits.NONE;
        assertNull(n.memoryBytes());
        assertNull(n.memorySwapBytes());
        assertNull(n.cpus());
        assertNull(n.cpuWeight());
        assertNull(n.cpusetCpus());
        assertNull(n.cpusetMems());
        assertNull(n.pids());
        assertNull(n.ioWeight());
        assertEquals(List.of(), n.deviceIo());
        assertFalse(n.any());
    }

    @Test
    void anyIsTrueForEachSingleLimit() {
        assertTrue(memory(1L, null).any());
        assertTrue(memory(1L, 1L).any());
        assertTrue(cpus(0.01).any());
        assertTrue(new Limits(null, null, null, 1, null, null, null, null, null).any());
        assertTrue(cpuset("0", null).any());
        assertTrue(cpuset(null, "0").any());
        assertTrue(new Limits(null, null, null, null, null, null, 1L, null, null).any());
        assertTrue(new Limits(null, null, null, null, null, null, null, 1, null).any());
        assertTrue(new Limits(null, null, null, null, null, null, null, null,
                List.of(new Limits.DeviceIo("/dev/sda", 1L, 1L))).any());
    }

    @Test
    void deviceIoIsCopiedAndNullMeansEmpty() {
        List<Limits.DeviceIo> d = new ArrayList<>();
        d.add(new Limits.DeviceIo("/dev/sda", 100L, null));
        Limits l = new Limits(null, null, null, null, null, null, null, null, d);
        d.clear();
        assertEquals(1, l.deviceIo().size());
        assertThrows(UnsupportedOperationException.class, () -> l.deviceIo().clear());
        assertEquals(List.of(), new Limits(null, null, null, null, null, null, null, null, null).deviceIo());
    }

    @Test
    void nonPositiveMemoryIsRefused() {
        invalid(() -> memory(0L, null), "memory limit", "positive", "0");
        invalid(() -> memory(-4096L, null), "memory limit", "positive", "-4096");
    }

    @Test
    void nonPositivePidsIsRefused() {
        invalid(() -> new Limits(null, null, null, null, null, null, 0L, null, null), "pids limit", "0");
        invalid(() -> new Limits(null, null, null, null, null, null, -1L, null, null), "pids limit", "-1");
    }

    @Test
    void memorySwapEqualToMemoryIsAccepted() {
        assertEquals(100L, memory(100L, 100L).memorySwapBytes());
        assertEquals(200L, memory(100L, 200L).memorySwapBytes());
    }

    @Test
    void memorySwapSmallerThanMemoryIsRefused() {
        invalid(() -> memory(1000L, 999L), "memory+swap", "999");
    }

    @Test
    void memorySwapWithoutMemoryIsRefused() {
        invalid(() -> memory(null, 1000L), "memory+swap", "1000", "memory limit");
    }

    @Test
    void nonPositiveMemorySwapIsRefused() {
        invalid(() -> memory(100L, 0L), "memory+swap", "0");
    }

    @Test
    void fractionalCpus() {
        assertEquals(0.5, cpus(0.5).cpus());
        assertEquals(1e-3, cpus(1e-3).cpus());
        assertEquals(64.0, cpus(64.0).cpus());
    }

    @Test
    void zeroCpusIsRefused() {
        invalid(() -> cpus(0.0), "cpus", "positive", "0.0");
        invalid(() -> cpus(-0.0), "cpus", "positive", "-0.0");
    }

    @Test
    void negativeCpusIsRefused() {
        invalid(() -> cpus(-1.5), "cpus", "positive", "-1.5");
    }

    @Test
    void nanCpusIsRefused() {
        invalid(() -> cpus(Double.NaN), "cpus", "NaN");
    }

    @Test
    void infiniteCpusIsRefused() {
        invalid(() -> cpus(Double.POSITIVE_INFINITY), "cpus", "Infinity");
        invalid(() -> cpus(Double.NEGATIVE_INFINITY), "cpus", "-Infinity");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 10000})
    void weightsInRange(int w) {
        assertEquals(w, new Limits(null, null, null, w, null, null, null, null, null).cpuWeight());
        assertEquals(w, new Limits(null, null, null, null, null, null, null, w, null).ioWeight());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 10001, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void weightsOutOfRangeAreRefused(int w) {
        invalid(() -> new Limits(null, null, null, w, null, null, null, null, null), "cpu weight", "1", "10000",
                Integer.toString(w));
        invalid(() -> new Limits(null, null, null, null, null, null, null, w, null), "io weight", "1", "10000",
                Integer.toString(w));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0-1", "0-1,3", "0,2,4", "0-3,8-11", "12", "0-0"})
    void validCpuLists(String list) {
        Limits l = cpuset(list, list);
        assertEquals(list, l.cpusetCpus());
        assertEquals(list, l.cpusetMems());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1-", "-1", "", ",", "0,", ",0", "0-1-2", "a", "0 1", "0;1", "0,,1", " 0", "0-1, 3"})
    void invalidCpuListsAreRefused(String list) {
        invalid(() -> cpuset(list, null), "cpuset cpus", "\"" + list + "\"");
        invalid(() -> cpuset(null, list), "cpuset mems", "\"" + list + "\"");
    }

    @Test
    void reversedRangeIsRefused() {
        // The kernel's list parser (bitmap_parselist, behind cpuset.cpus) refuses a range whose start
        // exceeds its end with EINVAL, so build() must refuse it rather than the backend later.
        invalid(() -> cpuset("3-1", null), "cpuset cpus", "\"3-1\"");
        invalid(() -> cpuset(null, "0,5-2"), "cpuset mems", "\"0,5-2\"");
    }

    @Test
    void deviceIo() {
        Limits.DeviceIo d = new Limits.DeviceIo("/dev/vda", 1_048_576L, null);
        assertEquals("/dev/vda", d.device());
        assertEquals(1_048_576L, d.readBps());
        assertNull(d.writeBps());
        assertNull(new Limits.DeviceIo("/dev/vda", null, null).readBps());
    }

    @Test
    void deviceIoNeedsAnAbsoluteDevice() {
        invalid(() -> new Limits.DeviceIo("vda", 1L, 1L), "device", "absolute", "\"vda\"");
        invalid(() -> new Limits.DeviceIo("", 1L, 1L), "device", "absolute", "\"\"");
        invalid(() -> new Limits.DeviceIo(null, 1L, 1L), "device", "absolute", "\"null\"");
    }

    @Test
    void deviceIoRatesMustBePositive() {
        invalid(() -> new Limits.DeviceIo("/dev/vda", 0L, null), "/dev/vda", "positive", "0");
        invalid(() -> new Limits.DeviceIo("/dev/vda", null, -5L), "/dev/vda", "positive", "-5");
        invalid(() -> new Limits.DeviceIo("/dev/vda", 10L, -7L), "/dev/vda", "positive", "-7");
    }

    @Test
    void withReplacesWhatTheChangeSetsAndKeepsTheRest() {
        Limits current = new Limits(64L << 20, 128L << 20, 0.5, 200, "0", null, 32L, null,
                List.of(new Limits.DeviceIo("/dev/sda", 1000L, null), new Limits.DeviceIo("/dev/sdb", null, 5L)));
        Limits change = new Limits(null, null, 1.5, null, null, "0", 64L, 300,
                List.of(new Limits.DeviceIo("/dev/sdb", 7L, null)));
        Limits after = current.with(change);
        assertEquals(new Limits(64L << 20, 128L << 20, 1.5, 200, "0", "0", 64L, 300,
                List.of(new Limits.DeviceIo("/dev/sda", 1000L, null), new Limits.DeviceIo("/dev/sdb", 7L, null))),
                after);
        assertEquals(current, current.with(Limits.NONE));
    }

    @Test
    void withValidatesTheResultAsAWhole() {
        Limits current = memory(64L << 20, 128L << 20);
        invalid(() -> current.with(memory(256L << 20, null)), "memory+swap limit " + (128L << 20),
                "needs a memory limit no larger than it");
        assertEquals(memory(256L << 20, 512L << 20), current.with(memory(256L << 20, 512L << 20)));
    }
}
