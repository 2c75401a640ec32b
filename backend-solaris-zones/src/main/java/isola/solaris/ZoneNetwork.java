// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import java.util.List;

/**
 * The network part of a zone's configuration, of a sandbox.
 *
 * @param ipType shared or exclusive
 * @param nets net resources
 * @param anets anet resources (Oracle Solaris 11.4)
 */
record ZoneNetwork(ZoneConfig.IpType ipType, List<ZoneConfig.Net> nets, List<ZoneConfig.Anet> anets) {
    /** An exclusive-IP stack with no datalink: loopback only. */
    static final ZoneNetwork NONE = new ZoneNetwork(ZoneConfig.IpType.EXCLUSIVE, List.of(), List.of());

    /** Copies. */
    ZoneNetwork {
        nets = List.copyOf(nets);
        anets = List.copyOf(anets);
    }
}
