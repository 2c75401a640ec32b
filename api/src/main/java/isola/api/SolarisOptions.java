// SPDX-License-Identifier: Apache-2.0
package isola.api;

/**
 * Solaris/illumos-only zone settings, kept explicit because they do not port.
 *
 * @param brand the zone brand, null for the distribution's default (e.g. {@code sparse} on OmniOS)
 * @param limitpriv the zone's {@code limitpriv}, null for the default
 * @param templateZone the installed zone to clone from, null for one isola keeps per configuration
 * @param dedicatedCpus the zone's {@code dedicated-cpu ncpus}: a number of CPUs ({@code 2}) or a
 *     range ({@code 1-2}) the zone gets exclusively (a temporary processor set made at boot), null
 *     for none. Zones cannot be pinned to chosen CPUs, so {@link Limits#cpusetCpus()} is refused.
 */
public record SolarisOptions(String brand, String limitpriv, String templateZone, String dedicatedCpus) {
    /** Distribution defaults. */
    public static final SolarisOptions DEFAULT = new SolarisOptions(null, null, null, null);

    /** Validates. */
    public SolarisOptions {
        if (dedicatedCpus != null && !dedicatedCpus.matches("[1-9][0-9]{0,3}(-[1-9][0-9]{0,3})?")) {
            throw new SpecValidationException("dedicated CPUs must be a number of CPUs such as 2 or a range such as 1-2, got \""
                    + dedicatedCpus + "\"");
        }
    }

    /**
     * Without dedicated CPUs.
     *
     * @param brand the brand, or null
     * @param limitpriv the limitpriv, or null
     * @param templateZone the template zone, or null
     */
    public SolarisOptions(String brand, String limitpriv, String templateZone) {
        this(brand, limitpriv, templateZone, null);
    }
}
