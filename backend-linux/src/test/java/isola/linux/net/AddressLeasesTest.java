// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.IsolationException;
import isola.api.SpecValidationException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressLeasesTest {
    @TempDir
    Path dir;

    private AddressLeases leases(String range) {
        return new AddressLeases(dir.resolve("isola0"), Cidr.parse(range));
    }

    private static InetAddress ip(String s) {
        return Cidr.address(s);
    }

    @Test
    void allocatesRoundRobinAfterTheGatewaySoAReleasedAddressIsNotReusedAtOnce() throws Exception {
        AddressLeases l = leases("10.88.0.0/29");
        assertEquals("10.88.0.2", l.locked(() -> l.lease("a", null)).getHostAddress());
        assertEquals("10.88.0.3", l.locked(() -> l.lease("b", null)).getHostAddress());
        assertEquals("10.88.0.4", l.locked(() -> l.lease("c", null)).getHostAddress());
        l.locked(() -> {
            l.release(ip("10.88.0.3"));
            return null;
        });
        assertEquals("10.88.0.5", l.locked(() -> l.lease("d", null)).getHostAddress());
        assertEquals("10.88.0.6", l.locked(() -> l.lease("e", null)).getHostAddress());
        // .7 is the broadcast address; the round robin wraps to the first free one
        assertEquals("10.88.0.3", l.locked(() -> l.lease("f", null)).getHostAddress());
        assertEquals("owner f\n", Files.readString(dir.resolve("isola0/10.88.0.3")));
        assertEquals("no free address left in 10.88.0.0/29 (5 in use); close sandboxes or configure a larger range",
                assertThrows(IsolationException.class, () -> l.locked(() -> l.lease("g", null))).getMessage());
    }

    @Test
    void aRequestedAddressMustBeInTheRangeAssignableAndFree() {
        AddressLeases l = leases("10.88.0.0/16");
        assertEquals("10.88.7.9", l.locked(() -> l.lease("a", ip("10.88.7.9"))).getHostAddress());
        assertEquals("address 10.88.7.9 is in use by sandbox a; choose another or let isola allocate one",
                assertThrows(IsolationException.class, () -> l.locked(() -> l.lease("b", ip("10.88.7.9")))).getMessage());
        assertEquals("address 10.99.0.5 is outside the bridge's range 10.88.0.0/16; choose one in the range or configure "
                + "another range", assertThrows(SpecValidationException.class,
                        () -> l.locked(() -> l.lease("b", ip("10.99.0.5")))).getMessage());
        assertEquals("address 10.88.0.1 is reserved in 10.88.0.0/16 (the network, gateway or broadcast address)",
                assertThrows(SpecValidationException.class, () -> l.locked(() -> l.lease("b", ip("10.88.0.1")))).getMessage());
        assertEquals(1, l.leases().size(), "refusals lease nothing");
    }

    @Test
    void aFullRangeSaysSo() {
        AddressLeases l = leases("192.168.5.0/30");
        assertEquals("192.168.5.2", l.locked(() -> l.lease("a", null)).getHostAddress());
        assertEquals("no free address left in 192.168.5.0/30 (1 in use); close sandboxes or configure a larger range",
                assertThrows(IsolationException.class, () -> l.locked(() -> l.lease("b", null))).getMessage());
    }

    @Test
    void changingLeasesWithoutTheLockIsAProgrammingError() {
        AddressLeases l = leases("10.88.0.0/16");
        assertThrows(IllegalStateException.class, () -> l.lease("a", null));
    }

    @Test
    void threadsOfOneJvmNeverGetTheSameAddress() throws Exception {
        AddressLeases l = leases("10.88.0.0/16");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<InetAddress>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String owner = "t" + i;
            fs.add(pool.submit(() -> l.locked(() -> l.lease(owner, null))));
        }
        Set<InetAddress> got = new HashSet<>();
        for (Future<InetAddress> f : fs) {
            assertTrue(got.add(f.get()), "duplicate " + f.get());
        }
        pool.shutdown();
        assertEquals(200, l.leases().size());
    }

    @Test
    void processesNeverGetTheSameAddress() throws Exception {
        AddressLeases l = leases("10.88.0.0/16");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LeaseAllocator.class.getName(),
                    l.dir().toString(), "10.88.0.0/16", "60", "child" + c).redirectError(Redirect.INHERIT).start());
        }
        ConcurrentLinkedQueue<InetAddress> mine = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 60; i++) {
            String owner = "parent-" + i;
            mine.add(l.locked(() -> l.lease(owner, null)));
        }
        List<InetAddress> all = new ArrayList<>(mine);
        for (Process p : children) {
            for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                all.add(ip(line));
            }
            assertEquals(0, p.waitFor());
        }
        assertEquals(180, all.size());
        assertEquals(180, new HashSet<>(all).size(), "every address leased once across three processes");
        assertEquals(180, l.leases().size());
    }
}
