// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

/** ipnat(8): IP Filter's NAT rules. */
final class Ipnat {
    static final String IPNAT = "/usr/sbin/ipnat";

    private Ipnat() {
    }
}
