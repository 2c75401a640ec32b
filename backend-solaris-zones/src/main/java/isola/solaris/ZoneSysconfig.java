// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import isola.api.IsolationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The system configuration profile an Oracle Solaris 11.4 zone of brand {@code solaris} is
 * installed or cloned with ({@code zoneadm install -c} / {@code clone -c}): without one, a fresh
 * zone stops at the interactive System Configuration Tool on its console and never finishes
 * booting its services. The profile is an SMF profile (service_bundle(5)) of the properties
 * {@code sysconfig create-profile} writes: the node name, UTC, the C locale, fixed network
 * configuration (the zone's own {@code anet}/{@code net} resources, no automatic NCP), local files
 * as the name service, and a root account that cannot log in with a password (isola enters with
 * {@code zlogin}, which needs none). illumos brands take the node name from {@code /etc/nodename}
 * instead and need no profile.
 */
final class ZoneSysconfig {
    private ZoneSysconfig() {
    }

    /** @param brand a zone brand @return whether zoneadm needs a profile for it */
    static boolean needed(String brand) {
        return "solaris".equals(brand);
    }

    /**
     * @param nodename the zone's hostname (validated by the spec: letters, digits, dots and dashes)
     * @return the profile's XML
     */
    static String profile(String nodename) {
        if (!nodename.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
            throw new IsolationException("hostname \"" + nodename + "\" cannot be a Solaris node name");
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
                <service_bundle type="profile" name="isola">
                """
                + service("system/identity", "node", "config", prop("nodename", nodename))
                + service("system/timezone", "default", "timezone", prop("localtime", "UTC"))
                + service("system/environment", "init", "environment", prop("LANG", "C"))
                + service("network/physical", "default", "netcfg", prop("active_ncp", "DefaultFixed"))
                + service("system/name-service/switch", "default", "config", prop("default", "files"))
                + service("system/config-user", "default", "root_account",
                        prop("login", "root") + prop("password", "*LK*") + prop("type", "normal"))
                + "</service_bundle>\n";
    }

    private static String service(String name, String instance, String group, String props) {
        return "  <service version=\"1\" type=\"service\" name=\"" + name + "\">\n"
                + "    <instance enabled=\"true\" name=\"" + instance + "\">\n"
                + "      <property_group type=\"application\" name=\"" + group + "\">\n"
                + props
                + "      </property_group>\n"
                + "    </instance>\n"
                + "  </service>\n";
    }

    private static String prop(String name, String value) {
        return "        <propval type=\"astring\" name=\"" + name + "\" value=\"" + value + "\"/>\n";
    }

    /**
     * Writes the profile for one zoneadm call, readable by root only.
     *
     * @param workDir isola's 0700 work directory
     * @param zone the zone it is for
     * @param nodename its hostname
     * @return the file, which the caller deletes after the call
     */
    static Path write(Path workDir, String zone, String nodename) {
        Path f = workDir.resolve(zone + ".sc_profile.xml");
        try {
            Files.deleteIfExists(f);
            Files.writeString(f, profile(nodename), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            return f;
        } catch (IOException e) {
            throw new IsolationException("cannot write the system configuration profile " + f + ": " + e, e);
        }
    }
}
