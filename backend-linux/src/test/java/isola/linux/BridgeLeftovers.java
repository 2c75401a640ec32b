// SPDX-License-Identifier: Apache-2.0
package isola.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test support: what a closed bridged sandbox must not leave on the host. */
final class BridgeLeftovers {
    private static volatile String forwardingBefore;

    private BridgeLeftovers() {
    }

    /** Notes net.ipv4.ip_forward while no isola bridge exists, for {@link #assertNone} to compare with. */
    static void rememberForwarding() {
        if (forwardingBefore == null && !Files.exists(Path.of("/sys/class/net/isola0"))) {
            forwardingBefore = forwarding();
        }
    }

    private static String forwarding() {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return host interfaces named like a sandbox's veth */
    static List<String> veths() {
        try (var l = Files.list(Path.of("/sys/class/net"))) {
            return l.map(p -> p.getFileName().toString()).filter(n -> n.matches("iv[0-9a-f]{8}")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> leases() {
        Path dir = Path.of("/run/isola-net/bridge-isola0");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var l = Files.list(dir)) {
            return l.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lock")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String nftTables() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nft", "list", "tables").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Asserts that no veth, lease, NAT table or bridge of isola is left, and forwarding is as before. */
    static void assertNone() {
        // a veth goes with its namespace, which the kernel tears down in the background after close
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!veths().isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        assertEquals(List.of(), veths(), "veth pairs left");
        assertEquals(List.of(), leases(), "address leases left");
        assertFalse(Files.exists(Path.of("/sys/class/net/isola0")), "bridge isola0 left");
        if (forwardingBefore != null) {
            assertEquals(forwardingBefore, forwarding(), "net.ipv4.ip_forward restored");
        }
        try {
            assertFalse(nftTables().contains("isola_"), "nftables table left: " + nftTables());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
