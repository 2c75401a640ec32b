// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.IsolationException;
import org.junit.jupiter.api.Test;

/** The Solaris 11.4 profile, written from service_bundle(5) and the properties sysconfig(8) configures. */
class ZoneSysconfigTest {
    @Test
    void onlyTheSolarisBrandNeedsOne() {
        assertTrue(ZoneSysconfig.needed("solaris"));
        assertFalse(ZoneSysconfig.needed("sparse"));
        assertFalse(ZoneSysconfig.needed("ipkg"));
        assertFalse(ZoneSysconfig.needed("solaris10"), "a branded Solaris 10 zone is configured by its own sysidcfg");
    }

    @Test
    void theProfileNamesTheNodeAndFixesEverythingTheConfigurationToolWouldAsk() {
        String xml = ZoneSysconfig.profile("web-1");
        assertTrue(xml.startsWith("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
                <service_bundle type="profile" name="isola">
                  <service version="1" type="service" name="system/identity">
                    <instance enabled="true" name="node">
                      <property_group type="application" name="config">
                        <propval type="astring" name="nodename" value="web-1"/>
                      </property_group>
                    </instance>
                  </service>
                """), xml);
        for (String s : new String[] {"system/timezone", "system/environment", "network/physical",
            "system/name-service/switch", "system/config-user"}) {
            assertTrue(xml.contains("name=\"" + s + "\""), s);
        }
        assertTrue(xml.contains("<propval type=\"astring\" name=\"password\" value=\"*LK*\"/>"), "root's password is locked");
        assertTrue(xml.endsWith("</service_bundle>\n"));
        assertEquals(6, xml.split("<service ", -1).length - 1);
    }

    @Test
    void aNameThatIsNotAHostnameIsRefused() {
        assertThrows(IsolationException.class, () -> ZoneSysconfig.profile("a\"/><x"));
    }
}
