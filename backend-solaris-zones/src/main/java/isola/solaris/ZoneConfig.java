// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import java.util.List;

/**
 * A zone's configuration as isola writes it with zonecfg(8): global properties and resources,
 * typed. {@link ZonecfgScript} renders it; null fields and empty lists are left out.
 *
 * @param zonepath the zone's path (its root is {@code zonepath/root})
 * @param brand the brand ({@code sparse}, {@code lipkg}, {@code ipkg}, {@code solaris})
 * @param ipType shared or exclusive IP
 * @param limitpriv the {@code limitpriv} privilege spec, null for the zone default
 * @param nets {@code net} resources
 * @param anets {@code anet} resources (Oracle Solaris 11.4)
 * @param fs {@code fs} resources, in mount order
 * @param cappedMemory the {@code capped-memory} resource, null for none
 * @param cappedCpuNcpus the {@code capped-cpu ncpus} value (e.g. {@code 1.5}), null for none
 * @param dedicatedCpuNcpus the {@code dedicated-cpu ncpus} value (a number or range), null for none
 * @param rctls {@code rctl} resources
 */
record ZoneConfig(String zonepath, String brand, IpType ipType, String limitpriv, List<Net> nets, List<Anet> anets,
        List<Fs> fs, CappedMemory cappedMemory, String cappedCpuNcpus, String dedicatedCpuNcpus, List<Rctl> rctls) {

    /** zonecfg's {@code ip-type}. */
    enum IpType {
        /** The global zone's IP stack, restricted to the zone's addresses. */ SHARED,
        /** The zone's own IP stack on datalinks dedicated to it. */ EXCLUSIVE;

        String word() {
            return this == SHARED ? "shared" : "exclusive";
        }
    }

    /**
     * A {@code net} resource. Shared-IP: {@code physical} is a global-zone link and {@code address}
     * is set; exclusive-IP: {@code physical} is the zone's own VNIC and {@code allowedAddress}
     * restricts and configures its address.
     *
     * @param physical the link
     * @param address the shared-IP address (CIDR), or null
     * @param allowedAddress the exclusive-IP allowed address (CIDR), or null
     * @param defrouter the default router, or null
     */
    record Net(String physical, String address, String allowedAddress, String defrouter) {
    }

    /**
     * An {@code anet} resource (automatic VNIC per boot, Oracle Solaris 11.4).
     *
     * @param linkname the link name in the zone
     * @param lowerLink the link under it ({@code auto} or an etherstub)
     * @param allowedAddress the allowed address (CIDR), or null
     * @param defrouter the default router, or null
     */
    record Anet(String linkname, String lowerLink, String allowedAddress, String defrouter) {
    }

    /**
     * An {@code fs} resource.
     *
     * @param dir the path in the zone
     * @param special the source ({@code swap} for tmpfs)
     * @param type {@code lofs} or {@code tmpfs}
     * @param options mount options
     */
    record Fs(String dir, String special, String type, List<String> options) {
        /** Copies. */
        Fs {
            options = List.copyOf(options);
        }
    }

    /**
     * The {@code capped-memory} resource; values in zonecfg's scaled form ({@code 512m}).
     *
     * @param physical the physical (RSS) cap, or null
     * @param swap the swap (anonymous memory + tmpfs) cap, or null
     */
    record CappedMemory(String physical, String swap) {
    }

    /**
     * An {@code rctl} resource with one privileged value.
     *
     * @param name the control, e.g. {@code zone.max-processes}
     * @param limit its limit
     * @param action {@code deny} or {@code none}
     */
    record Rctl(String name, long limit, String action) {
    }

    /** Copies. */
    ZoneConfig {
        nets = List.copyOf(nets);
        anets = List.copyOf(anets);
        fs = List.copyOf(fs);
        rctls = List.copyOf(rctls);
    }
}
