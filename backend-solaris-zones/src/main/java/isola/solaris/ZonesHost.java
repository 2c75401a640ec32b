// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import java.util.Set;

/**
 * What the features probe found on an illumos/Solaris host .
 *
 * @param distribution the distribution, from {@code /etc/release}
 * @param release the first line of {@code /etc/release}, trimmed
 * @param brands the installed zone brands
 * @param zonesDataset the ZFS dataset holding the zonepaths (e.g. {@code rpool/zones}), null when the
 *     zonepath base is not on ZFS (then {@code zoneadm clone} copies instead of snapshotting)
 * @param exclusiveIp whether exclusive-IP zones can have VNICs ({@code dladm} works in the global zone)
 * @param fssDefault whether the Fair Share Scheduler is the default class ({@code dispadmin -d})
 * @param ipfilter whether IP Filter ({@code ipf}/{@code ipnat}) is enabled, for bridged NAT and published ports
 * @param globalZone whether the probe runs in the global zone (zones cannot nest)
 */
record ZonesHost(Distribution distribution, String release, Set<String> brands, String zonesDataset,
        boolean exclusiveIp, boolean fssDefault, boolean ipfilter, boolean globalZone) {

    /** Copies. */
    ZonesHost {
        brands = Set.copyOf(brands);
    }

    /** Distributions, which differ in brands and networking resources. */
    enum Distribution {
        /** OmniOS: default brand lipkg, sparse available. */ OMNIOS,
        /** OpenIndiana Hipster: default brand ipkg. */ OPENINDIANA,
        /** SmartOS: zones are made with vmadm from images; isola does not drive it. */ SMARTOS,
        /** Oracle Solaris 11.4: brand solaris, {@code anet}. */ SOLARIS,
        /** Another illumos distribution: ipkg assumed. */ ILLUMOS
    }

    /**
     * The brand isola uses when the spec names none: OmniOS's {@code sparse} (the host's /usr, /lib
     * and /sbin read-only, which is what a sandbox on the host's root means), else the distribution's
     * default.
     *
     * @return the brand, or null when the distribution has none isola can drive
     */
    String defaultBrand() {
        return switch (distribution) {
            case OMNIOS -> brands.contains("sparse") ? "sparse" : "lipkg";
            case OPENINDIANA, ILLUMOS -> "ipkg";
            case SOLARIS -> "solaris";
            case SMARTOS -> null;
        };
    }

    /** @return whether {@code anet} (automatic VNICs) replaces {@code net} with a VNIC isola makes */
    boolean anet() {
        return distribution == Distribution.SOLARIS;
    }
}
