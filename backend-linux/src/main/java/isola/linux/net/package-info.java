// SPDX-License-Identifier: Apache-2.0
/**
 * Network mode bridge on Linux: address ranges and leases, the host bridge with its NAT, the veth
 * pair per sandbox, published ports, and the sandbox's /etc/hosts and /etc/resolv.conf. Not API.
 */
package isola.linux.net;
