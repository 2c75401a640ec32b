// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * Solaris/illumos-only zone settings, kept explicit because they do not port.
 *
 * @param brand the zone brand, null for the distribution's default (e.g. {@code sparse} on OmniOS)
 * @param limitpriv the zone's {@code limitpriv}, null for the default
 * @param templateZone the installed zone to clone from, null for one isola keeps per configuration
 */
public record SolarisOptions(String brand, String limitpriv, String templateZone) {
    /** Distribution defaults. */
    public static final SolarisOptions DEFAULT = new SolarisOptions(null, null, null);
}
