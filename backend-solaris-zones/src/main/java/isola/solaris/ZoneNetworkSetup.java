// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

/**
 * The host-side pieces of a zone's network, made around the zone's own setup: {@link #before} what
 * the zone's configuration names (a VNIC), {@link #after} what needs the booted zone (NAT rules).
 * Each records its undo in the zone's record before acting.
 */
interface ZoneNetworkSetup {
    /** No host-side pieces (network none, or shared-IP addresses the zone brings up itself). */
    ZoneNetworkSetup NOTHING = new ZoneNetworkSetup() {
        @Override
        public void before(ZoneRecord record) {
        }

        @Override
        public void after(ZoneRecord record) {
        }
    };

    /** @param record where to record undos first */
    void before(ZoneRecord record);

    /** @param record where to record undos first */
    void after(ZoneRecord record);
}
