// SPDX-License-Identifier: Apache-2.0
package isola.api;

import static isola.api.Expect.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortMappingTest {
    @Test
    void hostPortToSandboxPort() {
        assertEquals(new PortMapping(null, 8080, 80, "tcp"), PortMapping.parse("8080:80"));
    }

    @Test
    void hostIpAndUdp() {
        assertEquals(new PortMapping("127.0.0.1", 8080, 80, "udp"), PortMapping.parse("127.0.0.1:8080:80/udp"));
    }

    @Test
    void explicitTcp() {
        assertEquals(new PortMapping(null, 53, 53, "tcp"), PortMapping.parse("53:53/tcp"));
    }

    @Test
    void protocolIsCaseInsensitive() {
        assertEquals("udp", PortMapping.parse("53:53/UDP").protocol());
        assertEquals("tcp", new PortMapping(null, 1, 1, "TCP").protocol());
    }

    @Test
    void nullProtocolMeansTcp() {
        assertEquals("tcp", new PortMapping(null, 1, 1, null).protocol());
    }

    @Test
    void ipv6HostIp() {
        PortMapping p = PortMapping.parse("::1:8443:443");
        assertEquals("::1", p.hostIp());
        assertEquals(8443, p.hostPort());
        assertEquals(443, p.sandboxPort());
    }

    @Test
    void extremePorts() {
        assertEquals(new PortMapping(null, 1, 65535, "tcp"), PortMapping.parse("1:65535"));
        assertEquals(new PortMapping(null, 65535, 1, "tcp"), PortMapping.parse("65535:1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8080:80/sctp", "8080:80/", "8080:80/tcp6"})
    void badProtocolIsRefused(String text) {
        String proto = text.substring(text.indexOf('/') + 1);
        invalid(() -> PortMapping.parse(text), "protocol", "tcp or udp", "\"" + proto + "\"");
    }

    @Test
    void badProtocolInConstructorIsRefused() {
        invalid(() -> new PortMapping(null, 1, 1, "icmp"), "protocol", "\"icmp\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0:80", "8080:0", "65536:80", "8080:65536", "-1:80", "8080:-80"})
    void portsOutOfRangeAreRefused(String text) {
        String bad = text.contains("65536") ? "65536" : text.contains("-80") ? "-80" : text.contains("-1") ? "-1" : "0";
        invalid(() -> PortMapping.parse(text), "port", "1", "65535", "got " + bad);
    }

    @Test
    void portRangeInConstructor() {
        invalid(() -> new PortMapping(null, 0, 80, "tcp"), "got 0");
        invalid(() -> new PortMapping(null, 80, 65536, "tcp"), "got 65536");
    }

    @ParameterizedTest
    @ValueSource(strings = {"80", "", "/udp", "http:80", "8080:http", "8080:80:x", ":80", "8080:", "1.2.3.4:80"})
    void malformedIsRefused(String text) {
        invalid(() -> PortMapping.parse(text), "published port", "\"" + text + "\"");
    }

    @Test
    void numberTooLargeForAnIntIsRefused() {
        invalid(() -> PortMapping.parse("99999999999:80"), "published port", "\"99999999999:80\"");
    }
}
