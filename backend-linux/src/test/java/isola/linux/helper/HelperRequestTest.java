// SPDX-License-Identifier: Apache-2.0
package isola.linux.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import isola.linux.ns.MountOp;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Pins the exact bytes of a request (little-endian hosts: x86_64, aarch64). */
class HelperRequestTest {
    @Test
    void layoutIsHeaderThenTaggedRecords() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "pinned bytes are little-endian");
        byte[] got = new HelperRequest().mode(HelperProtocol.MODE_INIT).arg("sh").umask(022).encode();
        String hex = ""
                + "4953 4f4c" + "01000000" + "23000000"          // "ISOL", version 1, body 35 bytes
                + "0100 0000" + "04000000" + "01000000"          // MODE = init
                + "0700 0000" + "03000000" + "736800"            // ARG "sh\0"
                + "0e00 0000" + "04000000" + "12000000";         // UMASK 022 = 18
        assertArrayEquals(HexFormat.of().parseHex(hex.replace(" ", "")), got);
    }

    @Test
    void mountRecordCarriesOpFlagsAndThreeStrings() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "pinned bytes are little-endian");
        byte[] got = new HelperRequest().mount(MountOp.bind("/a", "/b", true, true)).encode();
        String hex = "49534f4c" + "01000000" + "1f000000"
                + "0600 0000" + "17000000"                       // MOUNT, 23 bytes
                + "02000000" + "00000100" + "0100000000000000"   // op BIND, flags CREATE, MS_RDONLY
                + "2f6100" + "2f6200" + "00";                    // "/a\0" "/b\0" "\0"
        assertArrayEquals(HexFormat.of().parseHex(hex.replace(" ", "")), got);
    }

    @Test
    void networkAddressRecordsCarryFamilyPrefixAddressAndGateway() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "pinned bytes are little-endian");
        byte[] v6 = new byte[16];
        v6[0] = (byte) 0xfd;
        v6[1] = (byte) 0x88;
        v6[15] = 7;
        byte[] gw6 = v6.clone();
        gw6[15] = 1;
        byte[] got = new HelperRequest().netAddress(new byte[] {10, 88, 0, 7}, 16, new byte[] {10, 88, 0, 1})
                .netAddress(v6, 64, gw6).encode();
        String hex = "49534f4c" + "01000000" + "60000000"      // body 2 x (8 + 40) bytes
                + "1500 0000" + "28000000"                      // NET_ADDR, 40 bytes
                + "02000000" + "10000000"                       // AF_INET, /16
                + "0a580007" + "000000000000000000000000"       // 10.88.0.7, zero padded to 16 bytes
                + "0a580001" + "000000000000000000000000"       // gateway 10.88.0.1
                + "1500 0000" + "28000000"
                + "0a000000" + "40000000"                       // AF_INET6, /64
                + "fd880000000000000000000000000007"            // fd88::7
                + "fd880000000000000000000000000001";           // fd88::1
        assertArrayEquals(HexFormat.of().parseHex(hex.replace(" ", "")), got);
    }
}
