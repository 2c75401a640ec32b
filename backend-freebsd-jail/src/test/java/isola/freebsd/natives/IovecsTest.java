// SPDX-License-Identifier: Apache-2.0
package isola.freebsd.natives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import isola.freebsd.JailParam;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The iovec array as jail(2) and nmount(2) read it, on LP64 (amd64, aarch64): struct iovec is
 * {void *iov_base; size_t iov_len;}, 16 bytes, base at offset 0 and length at offset 8; pairs of
 * (name, value), names NUL-terminated with the NUL counted; booleans NULL/0; niov counts elements.
 * Expected values are from jail(2) and sys/uio.h, not from the code under test. JNA's Memory works
 * the same on Linux, so this runs in the normal build.
 */
class IovecsTest {
    @BeforeEach
    void lp64() {
        assumeTrue(Native.POINTER_SIZE == 8 && Native.SIZE_T_SIZE == 8, "LP64 layout (8-byte pointers and size_t)");
    }

    @Test
    void iovecIs16BytesOnLp64() {
        assertEquals(16, Iovecs.IOVEC_SIZE);
    }

    @Test
    void pairsThenErrmsgAndNiovCountsElements() throws Exception {
        Iovecs iov = Iovecs.of(List.of(JailParam.string("name", "web1"), JailParam.integer("enforce_statfs", 2),
                JailParam.bool("persist", true), JailParam.addresses("ip4.addr", List.of(InetAddress.getByName("192.0.2.7")))));
        // 4 pairs + errmsg = 10 elements, 160 bytes
        assertEquals(10, iov.count());
        assertEquals(160, iov.arrayBytes().length);
        // "name\0" (5) / "web1\0" (5)
        assertEquals(5, iov.length(0));
        assertArrayEquals(new byte[] {'n', 'a', 'm', 'e', 0}, iov.base(0).getByteArray(0, 5));
        assertEquals(5, iov.length(1));
        assertArrayEquals(new byte[] {'w', 'e', 'b', '1', 0}, iov.base(1).getByteArray(0, 5));
        // "enforce_statfs\0" (15) / int 2, 4 bytes little-endian on amd64/aarch64
        assertEquals(15, iov.length(2));
        assertEquals(4, iov.length(3));
        assertArrayEquals(new byte[] {2, 0, 0, 0}, iov.base(3).getByteArray(0, 4));
        // boolean: name only, value NULL with length 0
        assertEquals(8, iov.length(4));
        assertNull(iov.base(5));
        assertEquals(0, iov.length(5));
        // in_addr in network order
        assertEquals(4, iov.length(7));
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 7}, iov.base(7).getByteArray(0, 4));
        // errmsg: "errmsg\0" and a writable, zeroed buffer
        assertEquals(7, iov.length(8));
        assertEquals("errmsg", iov.base(8).getString(0));
        assertEquals(Iovecs.ERRMSG_SIZE, iov.length(9));
        assertEquals("", iov.errmsg());
    }

    @Test
    void rawLayoutBaseAtZeroLengthAtEight() {
        Iovecs iov = Iovecs.of(List.of(JailParam.string("path", "/j")));
        ByteBuffer b = ByteBuffer.wrap(iov.arrayBytes()).order(ByteOrder.nativeOrder());
        assertEquals(Pointer.nativeValue(iov.base(0)), b.getLong(0));
        assertEquals(5, b.getLong(8));
        assertEquals(Pointer.nativeValue(iov.base(1)), b.getLong(16));
        assertEquals(3, b.getLong(24));
        assertEquals(7, b.getLong(40));
        assertEquals(1024, b.getLong(56));
    }

    @Test
    void emptyListStillCarriesErrmsg() {
        Iovecs iov = Iovecs.of(List.of());
        assertEquals(2, iov.count());
        assertEquals(32, iov.arrayBytes().length);
    }

    @Test
    void jailGetBuffersAreWritableAndZeroed() {
        Iovecs iov = Iovecs.forGet(List.of(JailParam.string("name", "a")), "jid", 4);
        assertEquals(6, iov.count());
        assertEquals("jid", iov.base(2).getString(0));
        assertEquals(4, iov.length(3));
        assertEquals(0, iov.base(3).getInt(0));
    }

    @Test
    void bindsTheDocumentedCalls() {
        assertEquals(List.of("geteuid", "jail_get", "jail_remove", "jail_set", "kill", "nmount", "rctl_add_rule",
                "rctl_get_racct", "rctl_remove_rule", "sysctlbyname", "unmount"),
                FreeBsdDispatcher.symbols().stream().sorted().toList());
    }
}
