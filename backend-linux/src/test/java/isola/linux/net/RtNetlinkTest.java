// SPDX-License-Identifier: Apache-2.0
package isola.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The request bytes, laid out as linux/netlink.h, linux/rtnetlink.h, linux/if_link.h and linux/veth.h define them. */
@EnabledOnOs(OS.LINUX)
class RtNetlinkTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void aDeleteIsOneDellinkWithTheName() {
        byte[] m = RtNetlink.delLink("iv0a580002");
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
        assertEquals(m.length, b.getInt(0), "nlmsg_len");
        assertEquals(17, b.getShort(4), "RTM_DELLINK");
        assertEquals(0x1 | 0x4, b.getShort(6), "NLM_F_REQUEST | NLM_F_ACK");
        // 16 bytes nlmsghdr, 16 bytes ifinfomsg (all zero), then IFLA_IFNAME: len 15 (4 + 11), type 3, padded to 16
        assertEquals("00000000000000000000000000000000", hex(java.util.Arrays.copyOfRange(m, 16, 32)));
        assertEquals(15, b.getShort(32));
        assertEquals(3, b.getShort(34));
        assertEquals("iv0a580002\0", new String(m, 36, 11, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(16 + 16 + 16, m.length);
    }

    @Test
    void aVethIsCreatedUpEnslavedWithItsPeerInTheSandboxNamespace() {
        // "lo" stands in for the bridge: its ifindex is 1 in every network namespace
        byte[] m = RtNetlink.newVeth("iv0a580002", "eth0", 4242, "lo");
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
        assertEquals(m.length, b.getInt(0));
        assertEquals(16, b.getShort(4), "RTM_NEWLINK");
        assertEquals(0x1 | 0x4 | 0x200 | 0x400, b.getShort(6), "REQUEST | ACK | EXCL | CREATE");
        assertEquals(1, b.getInt(24), "ifi_flags IFF_UP");
        assertEquals(1, b.getInt(28), "ifi_change IFF_UP");
        int p = 32;
        assertEquals(3, b.getShort(p + 2), "IFLA_IFNAME");
        p += 16;
        assertEquals(8, b.getShort(p));
        assertEquals(10, b.getShort(p + 2), "IFLA_MASTER");
        assertEquals(1, b.getInt(p + 4), "the bridge's ifindex");
        p += 8;
        assertEquals(18, b.getShort(p + 2), "IFLA_LINKINFO");
        assertEquals(m.length - p, b.getShort(p), "the link info runs to the end");
        assertEquals(1, b.getShort(p + 6), "IFLA_INFO_KIND");
        assertEquals("veth\0", new String(m, p + 8, 5, java.nio.charset.StandardCharsets.US_ASCII));
        int data = p + 4 + 12;
        assertEquals(2, b.getShort(data + 2), "IFLA_INFO_DATA");
        assertEquals(1, b.getShort(data + 6), "VETH_INFO_PEER");
        int peer = data + 8 + 16;
        assertEquals(3, b.getShort(peer + 2), "the peer's IFLA_IFNAME");
        assertEquals("eth0\0", new String(m, peer + 4, 5, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(19, b.getShort(peer + 14), "IFLA_NET_NS_PID");
        assertEquals(4242, b.getInt(peer + 16));
    }
}
