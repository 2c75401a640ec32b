// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

/** dladm(8): datalinks (VNICs, etherstubs). */
final class Dladm {
    static final String DLADM = "/usr/sbin/dladm";

    private Dladm() {
    }
}
