// SPDX-License-Identifier: Apache-2.0
package isola.freebsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Value encodings of jail(2): expected bytes from the man page's description. */
class JailParamTest {
    @Test
    void stringIsNulTerminated() {
        assertArrayEquals(new byte[] {'/', 'j', 0}, JailParam.string("path", "/j").value());
        assertThrows(IllegalArgumentException.class, () -> JailParam.string("path", "a\0b"));
    }

    @Test
    void intIsFourNativeBytes() {
        byte[] v = JailParam.integer("securelevel", 3).value();
        assertEquals(4, v.length);
        assertArrayEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? new byte[] {3, 0, 0, 0} : new byte[] {0, 0, 0, 3}, v);
    }

    @Test
    void jailsysValuesAreDisableNewInherit() {
        assertEquals(0, JailParam.JailSys.DISABLE.value());
        assertEquals(1, JailParam.JailSys.NEW.value());
        assertEquals(2, JailParam.JailSys.INHERIT.value());
        assertEquals("vnet=1", JailParam.jailsys("vnet", JailParam.JailSys.NEW).render());
    }

    @Test
    void booleansHaveNoValueAndClearWithNo() {
        assertNull(JailParam.bool("persist", true).value());
        assertEquals("nopersist", JailParam.bool("persist", false).name());
        assertEquals("allow.noraw_sockets", JailParam.bool("allow.raw_sockets", false).name());
        assertEquals("allow.mount.nonullfs", JailParam.bool("allow.mount.nullfs", false).name());
    }

    @Test
    void addressesAreConcatenatedInNetworkOrder() throws Exception {
        byte[] v4 = JailParam.addresses("ip4.addr", List.of(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"))).value();
        assertArrayEquals(new byte[] {10, 0, 0, 1, 10, 0, 0, 2}, v4);
        byte[] v6 = JailParam.addresses("ip6.addr", List.of(InetAddress.getByName("2001:db8::1"))).value();
        assertEquals(16, v6.length);
        assertEquals(0x20, v6[0]);
        assertEquals(0x01, v6[1]);
        assertEquals(0x0d, v6[2]);
        assertEquals((byte) 0xb8, v6[3]);
        assertEquals(1, v6[15]);
        assertEquals("ip6.addr=2001:db8:0:0:0:0:0:1", JailParam.addresses("ip6.addr", List.of(InetAddress.getByName("2001:db8::1"))).render());
        assertThrows(IllegalArgumentException.class, () -> JailParam.addresses("ip4.addr", List.of(InetAddress.getByName("::1"))));
    }

    @Test
    void intRendersAsNumberEvenWhenItsLastByteIsZero() {
        assertEquals("children.max=1", JailParam.integer("children.max", 1).render());
    }
}
