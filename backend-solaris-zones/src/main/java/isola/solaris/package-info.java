// SPDX-License-Identifier: Apache-2.0
/**
 * The Solaris/illumos zones backend: zone configuration planning (pure Java), the zonecfg/zoneadm/
 * zlogin/dladm/ipnat drivers behind {@link isola.spi.HostCommands}, the crash record and sweep.
 * Not API.
 */
package isola.solaris;
