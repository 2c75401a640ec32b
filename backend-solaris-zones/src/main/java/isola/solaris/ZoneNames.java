// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names isola gives to what it makes on an illumos/Solaris host: sandbox zones, template zones and
 * VNICs. Every name is a pure function of the sandbox id (or of the template's configuration), so
 * a sweep after a crash finds them again by their prefix.
 */
final class ZoneNames {
    /** Prefix of every sandbox zone; the sweep removes only zones with it. */
    static final String SANDBOX_PREFIX = "isola-";
    /** Prefix of template zones: cached on purpose, never swept; cannot collide with {@link #SANDBOX_PREFIX}. */
    static final String TEMPLATE_PREFIX = "isolatpl-";
    /**
     * {@code ZONENAME_REGEXP} in illumos {@code <sys/zone.h>}: {@code [a-zA-Z0-9][-_.a-zA-Z0-9]{0,62}},
     * i.e. at most 63 characters ({@code ZONENAME_MAX} is 64 with the NUL).
     */
    static final Pattern ZONE_NAME = Pattern.compile("[a-zA-Z0-9][-_.a-zA-Z0-9]{0,62}");
    static final int ZONE_NAME_MAX = 63;
    /**
     * dladm(8) link names: a letter first, letters, digits and '_', ending in a digit, shorter than
     * {@code MAXLINKNAMELEN} (32).
     */
    static final Pattern LINK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,29}[0-9]");
    private static final int HASH_CHARS = 8;

    private ZoneNames() {
    }

    /**
     * The zone of a sandbox: {@code isola-<id>}; an id too long for a zone name keeps its first
     * characters and gets '.' and 8 hex digits of its SHA-256 (sandbox ids have no '.', so a
     * shortened name never equals another id's plain one).
     *
     * @param sandboxId a valid sandbox id ({@code [A-Za-z0-9][A-Za-z0-9_-]{0,63}})
     * @return the zone name
     */
    static String zone(String sandboxId) {
        String plain = SANDBOX_PREFIX + sandboxId;
        String name = plain.length() <= ZONE_NAME_MAX ? plain
                : plain.substring(0, ZONE_NAME_MAX - 1 - HASH_CHARS) + "." + sha256(sandboxId).substring(0, HASH_CHARS);
        return check(name);
    }

    /**
     * @param configHash the hash of the template's zonecfg script (hex)
     * @return the template zone's name
     */
    static String template(String configHash) {
        return check(TEMPLATE_PREFIX + configHash.substring(0, Math.min(16, configHash.length())));
    }

    /** @param zoneName a zone's name @return whether it is a sandbox zone isola made (swept after a crash) */
    static boolean isSandboxZone(String zoneName) {
        return zoneName.startsWith(SANDBOX_PREFIX);
    }

    /**
     * @param zoneName a sandbox zone
     * @return its VNIC: {@code isola} + 10 hex digits of the zone name's SHA-256 + {@code 0}
     *     (dladm wants a final digit)
     */
    static String vnic(String zoneName) {
        return link("isola" + sha256(zoneName).substring(0, 10) + "0");
    }

    /** The etherstub all bridged sandboxes' VNICs hang from (a private virtual switch). */
    static final String ETHERSTUB = "isolastub0";
    /** The global zone's VNIC on {@link #ETHERSTUB}: the sandboxes' default router. */
    static final String GATEWAY_VNIC = "isolagw0";

    static String check(String name) {
        if (!ZONE_NAME.matcher(name).matches() || name.equals("global") || name.startsWith("SUNW")) {
            throw new IllegalArgumentException("\"" + name + "\" is not a valid zone name");
        }
        return name;
    }

    private static String link(String name) {
        if (!LINK_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + name + "\" is not a valid link name");
        }
        return name;
    }

    /** @param text any text @return its SHA-256 in lowercase hex */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
